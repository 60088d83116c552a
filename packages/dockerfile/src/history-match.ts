// Was an image built from this Dockerfile? Its config history, after the base image's own
// entries, has one entry per instruction of the stage, in order, as BuildKit writes them
// (`COPY src/ ./src/ # buildkit`, `RUN /bin/sh -c … # buildkit`, `WORKDIR /app`) or as the
// legacy builder does (`/bin/sh -c #(nop) COPY dir:… in ./src/`, `/bin/sh -c javac …`).
import type { Instruction, Stage } from './build-graph.js';

export interface HistoryEntry {
  created_by?: string;
  empty_layer?: boolean;
}

/** The instruction keyword of a history entry. */
export function historyKeyword(createdBy: string): string {
  const text = createdBy.trim();
  const nop = /^\/bin\/sh -c #\(nop\)\s+(\w+)/.exec(text);
  if (nop) return (nop[1] as string).toUpperCase();
  // Legacy RUN: the shell command itself, with the build args in use first (`|1 A=b /bin/sh -c …`).
  if (/^(\|\d+\s.*)?\/bin\/sh -c /.test(text) || /^\|\d+\s/.test(text)) return 'RUN';
  return (/^(\w+)/.exec(text)?.[1] ?? '').toUpperCase();
}

/**
 * Each instruction's layer (index into rootfs.diff_ids) when the history after the base image's
 * matches the stage, or why it does not. ARG may be missing from the history (BuildKit omits it).
 */
export function alignHistory(
  stage: Stage,
  history: readonly HistoryEntry[],
  base: { historyLength: number; layerCount: number },
): { layers: Map<Instruction, number> } | { mismatch: string } {
  const entries = history.slice(base.historyLength);
  const layers = new Map<Instruction, number>();
  let layer = base.layerCount;
  let at = 0;
  for (const instruction of stage.instructions) {
    const entry = entries[at];
    const keyword = entry ? historyKeyword(entry.created_by ?? '') : undefined;
    if (keyword !== instruction.keyword) {
      if (instruction.keyword === 'ARG') continue;
      return {
        mismatch: `its history has ${keyword ? `${keyword} where` : 'nothing for'} the Dockerfile has ${instruction.keyword} at line ${instruction.line}`,
      };
    }
    if (instruction.kind === 'run' && !(entry?.created_by ?? '').includes(runCommand(instruction.text)))
      return { mismatch: `its history runs another command than the RUN at line ${instruction.line}` };
    if (!entry?.empty_layer) layers.set(instruction, layer++);
    at++;
  }
  if (at !== entries.length) return { mismatch: 'its history has more steps than the Dockerfile' };
  return { layers };
}

function runCommand(text: string): string {
  return text.replace(/^RUN\s+/i, '').trim();
}
