// The instruction ↔ layer table that `codeinject plan` shows: each instruction of the target
// stage, whether it makes a filesystem layer, and what this run means for it.
import type { Stage, Verdict } from '@codeinject/dockerfile';

export interface InstructionRow {
  line: number;
  instruction: string;
  layer: boolean;
  status: 'changed' | 'decides' | 'replayed' | '';
}

// ENV, CMD, LABEL, … only change the config; WORKDIR may or may not leave a layer.
const LAYER_KEYWORDS = new Set(['COPY', 'ADD', 'RUN']);

export function instructionTable(stage: Stage, verdict: Verdict): InstructionRow[] {
  const dirty = new Set(verdict.dirtyCopies.map((copy) => copy.line));
  return stage.instructions.map((instruction) => ({
    line: instruction.line,
    instruction: instruction.text,
    layer: LAYER_KEYWORDS.has(instruction.keyword),
    status: dirty.has(instruction.line)
      ? 'changed'
      : verdict.replay?.line === instruction.line
        ? 'replayed'
        : verdict.line === instruction.line
          ? 'decides'
          : '',
  }));
}
