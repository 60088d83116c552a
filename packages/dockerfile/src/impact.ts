// Impact and verdict: given the build graph, the baseline recorded at the last real build and
// the context now, which instructions are dirty, and can their effect be reproduced as a patch?
// Every verdict names its reason (and the Dockerfile line when one decides it).
import { posix } from 'node:path';
import {
  CodeinjectError,
  type ContextChanges,
  type ContextIndex,
  compareIndexes,
  type ImageFiles,
  type PatchPlan,
  planPatch,
  samePlacedFile,
} from '@codeinject/core';
import type { BuildGraph, CopyInstruction, RunInstruction, Stage } from './build-graph.js';
import { applyCopy, placeAll, resolveCopy, UnsupportedCopyError } from './copy-mapping.js';
import { type CopyPlacements, placeCopies, type ResolvedBoth } from './copy-placements.js';
import type { OwnerDirectory } from './owners.js';
import { matchReplay, REPLAY_RULES } from './replay-rules.js';

export interface BaselineInputs {
  dockerfileSha256: string;
  buildArgs: Record<string, string>;
  /** `--label` values: the injection keeps the last build's config, labels included. */
  labels?: Record<string, string>;
  target?: string;
  index: ContextIndex;
}

export type VerdictMode = 'inject' | 'build' | 'unchanged';

export interface Verdict {
  mode: VerdictMode;
  reason: string;
  line?: number;
  changes: ContextChanges;
  dirtyCopies: CopyInstruction[];
  plan?: PatchPlan;
  /** A RUN after the changed COPY to run again on the edited files (see replay-rules.ts). */
  replay?: ReplayStep;
}

export interface ReplayStep {
  line: number;
  /** The shell command, as written after RUN. */
  command: string;
  workdir: string;
  /**
   * Set when the RUN's output records its inputs' mtimes: everything the target's COPYs put in
   * the image now. A rebuild re-copies every file of a changed COPY with the context's mtimes;
   * the replay must see those mtimes too, not the ones a cached first build left.
   */
  mtimeSensitiveFiles?: ImageFiles;
  /** Replay on the last build (incremental tools), after running `prelude` (removes stale outputs). */
  onLastBuild?: { prelude: string };
}

export interface DecideInput {
  graph: BuildGraph;
  current: BaselineInputs;
  baseline?: BaselineInputs;
  /** The last built image's users and groups, for `--chown` with names. */
  owners?: OwnerDirectory;
}

const NO_CHANGES: ContextChanges = { added: [], modified: [], deleted: [] };

export function decide({ graph, current, baseline, owners }: DecideInput): Verdict {
  const build = (
    reason: string,
    line?: number,
    changes = NO_CHANGES,
    dirtyCopies: CopyInstruction[] = [],
  ): Verdict => ({
    mode: 'build',
    reason,
    changes,
    dirtyCopies,
    ...(line !== undefined ? { line } : {}),
  });
  if (!baseline) return build('no baseline: this tag was not built by codeinject from this context yet');
  if (baseline.dockerfileSha256 !== current.dockerfileSha256) return build('the Dockerfile changed');
  if (JSON.stringify(sorted(baseline.buildArgs)) !== JSON.stringify(sorted(current.buildArgs)))
    return build('build arguments changed');
  if (JSON.stringify(sorted(baseline.labels ?? {})) !== JSON.stringify(sorted(current.labels ?? {})))
    return build('--label values changed');
  if ((baseline.target ?? '') !== (current.target ?? '')) return build('the target stage changed');

  const changes = compareIndexes(baseline.index, current.index);
  if (changes.added.length + changes.modified.length + changes.deleted.length === 0)
    return { mode: 'unchanged', reason: 'no file in the build context changed', changes, dirtyCopies: [] };

  const copies = graph.stages.flatMap((stage) =>
    stage.instructions
      .filter((i): i is CopyInstruction => i.kind === 'copy')
      .map((copy) => ({ stage, copy })),
  );
  const resolved: Array<ResolvedBoth & { stage: Stage }> = [];
  for (const { stage, copy } of copies) {
    if (copy.from !== undefined || copy.heredoc) continue;
    try {
      const dirs = knownDirectories(stage);
      resolved.push({
        stage,
        copy,
        before: resolveCopy(copy, baseline.index, dirs, owners),
        after: resolveCopy(copy, current.index, dirs, owners),
      });
    } catch (error) {
      if (error instanceof UnsupportedCopyError || error instanceof CodeinjectError)
        return build(`${copy.keyword} at line ${copy.line}: ${error.message}`, copy.line, changes);
      throw error;
    }
  }
  // Each context COPY's files, mapped once per index and reused for the patch below.
  const mapped = placeCopies(resolved, baseline.index, current.index, changes);
  const dirty = resolved.filter(({ copy }) => {
    const files = mapped.get(copy);
    return files !== undefined && !sameFiles(files.before, files.after);
  });
  const dirtyCopies = dirty.map((d) => d.copy);
  if (dirty.length === 0)
    return {
      mode: 'unchanged',
      reason: 'the changed files are not copied into the image',
      changes,
      dirtyCopies,
    };

  const needed = stagesNeededBy(graph, graph.target);
  for (const { stage, copy } of dirty) {
    if (stage !== graph.target && needed.has(stage.index))
      return build(
        `line ${copy.line} in stage ${stage.name ?? stage.index} changed and the target uses that stage`,
        copy.line,
        changes,
        dirtyCopies,
      );
    if (stage === graph.target && copy.keyword === 'ADD')
      return build(
        `ADD at line ${copy.line} changed (ADD may extract archives; only COPY is injected)`,
        copy.line,
        changes,
        dirtyCopies,
      );
  }
  const targetDirty = dirty.filter((d) => d.stage === graph.target).map((d) => d.copy);
  if (targetDirty.length === 0)
    return {
      mode: 'unchanged',
      reason: 'the changed files only feed stages the target does not use',
      changes,
      dirtyCopies,
    };

  const firstDirty = Math.min(...targetDirty.map((c) => graph.target.instructions.indexOf(c)));
  const laterRun = graph.target.instructions
    .slice(firstDirty + 1)
    .find((i) => i.kind === 'run' && !i.declaredIndependent);
  const copyLine = graph.target.instructions[firstDirty]?.line as number;
  const replayRefusal = laterRun ? whyNotReplayable(graph.target, laterRun as RunInstruction) : undefined;
  if (laterRun && replayRefusal !== undefined) {
    return build(
      `RUN at line ${laterRun.line} may read what COPY at line ${copyLine} changed and ${replayRefusal} (mark it "# codeinject: independent" if it does not read them)`,
      laterRun.line,
      changes,
      dirtyCopies,
    );
  }

  const currentFiles = targetFiles(graph.target, mapped, 'after');
  const plan = planPatch(targetFiles(graph.target, mapped, 'before'), currentFiles);
  if (plan.upserts.length + plan.deletions.length === 0)
    return {
      mode: 'unchanged',
      reason: 'later COPY instructions hide every changed file',
      changes,
      dirtyCopies,
    };
  const lines = targetDirty.map((c) => c.line).join(', ');
  if (laterRun) {
    if (plan.deletions.length > 0)
      return build(
        `RUN at line ${laterRun.line} reads what COPY at line ${copyLine} changed, and a replay cannot remove deleted files`,
        laterRun.line,
        changes,
        dirtyCopies,
      );
    const run = laterRun as RunInstruction;
    return {
      mode: 'inject',
      reason: `only COPY at line ${lines} changed; RUN at line ${run.line} is replayed on the edit with the image's own tools`,
      changes,
      dirtyCopies,
      plan,
      replay: {
        line: run.line,
        command: run.text.replace(/^RUN\s+/i, ''),
        workdir: run.workdir,
        ...mtimeSensitive(run, () => allTargetFiles(graph.target, resolved, current.index)),
        ...incrementalReplay(run, plan),
      },
    };
  }
  return {
    mode: 'inject',
    reason: `only COPY at line ${lines} changed and nothing after it reads the files`,
    changes,
    dirtyCopies,
    plan,
  };
}

/** What the target stage's context COPYs put in the image, later ones winning. */
function targetFiles(
  stage: Stage,
  mapped: ReadonlyMap<CopyInstruction, CopyPlacements>,
  when: 'before' | 'after',
): ImageFiles {
  const files: ImageFiles = new Map();
  for (const instruction of stage.instructions) {
    if (instruction.kind !== 'copy') continue;
    for (const [path, file] of mapped.get(instruction)?.[when] ?? []) files.set(path, file);
  }
  return files;
}

/** Every file the target's context COPYs put in the image now, not only the changed ones. */
function allTargetFiles(stage: Stage, resolved: readonly ResolvedBoth[], index: ContextIndex): ImageFiles {
  const files: ImageFiles = new Map();
  for (const instruction of stage.instructions) {
    const copy = resolved.find((r) => r.copy === instruction);
    if (copy) placeAll(copy.after, index, files);
  }
  return files;
}

/** What one COPY of `stage` takes from a context with this index, as image files. */
export function filesOfCopy(
  stage: Stage,
  copy: CopyInstruction,
  index: ContextIndex,
  owners?: OwnerDirectory,
): ImageFiles {
  return copyFiles(copy, index, knownDirectories(stage), owners);
}

function copyFiles(
  copy: CopyInstruction,
  index: ContextIndex,
  dirs: ReadonlySet<string>,
  owners?: OwnerDirectory,
): ImageFiles {
  const files: ImageFiles = new Map();
  applyCopy(copy, index, dirs, files, owners);
  return files;
}

// Instructions after a replayed RUN that would make its environment differ from the final
// image's config (the replay runs with that config) or add layers above it.
const NOT_AFTER_REPLAY = new Set(['ENV', 'ARG', 'USER', 'SHELL', 'WORKDIR', 'RUN', 'COPY', 'ADD', 'ONBUILD']);

/** Why this RUN cannot be replayed, or undefined when it can. */
function whyNotReplayable(stage: Stage, run: RunInstruction): string | undefined {
  const match = matchReplay(run.text);
  if ('unmatched' in match) return `no replay rule covers \`${match.unmatched}\``;
  const after = stage.instructions.slice(stage.instructions.indexOf(run) + 1);
  const blocker = after.find(
    (i) => NOT_AFTER_REPLAY.has(i.keyword) && !(i.kind === 'run' && i.declaredIndependent),
  );
  if (blocker) return `${blocker.keyword} at line ${blocker.line} comes after it`;
  return undefined;
}

/** When every command of the RUN redoes only stale work, it can run on the last build. */
function incrementalReplay(run: RunInstruction, plan: PatchPlan): { onLastBuild?: { prelude: string } } {
  const match = matchReplay(run.text);
  if (!('rules' in match)) return {};
  const rules = match.rules.map((name) => REPLAY_RULES.find((r) => r.name === name));
  if (!rules.every((rule) => rule?.incremental)) return {};
  const edited = plan.upserts.filter(([, file]) => file.type === 'file').map(([path]) => path);
  const stale = rules.flatMap((rule) => rule?.incremental?.stale(edited) ?? []);
  return { onLastBuild: { prelude: stale.length > 0 ? `rm -f ${stale.join(' ')} && ` : '' } };
}

/** The copied files whose mtimes the RUN's output records (.py for compileall), when any. */
function mtimeSensitive(
  run: RunInstruction,
  targetFiles: () => ImageFiles,
): { mtimeSensitiveFiles?: ImageFiles } {
  const match = matchReplay(run.text);
  if (!('rules' in match)) return {};
  const tests = match.rules.flatMap((name) => REPLAY_RULES.find((r) => r.name === name)?.readsMtimesOf ?? []);
  if (tests.length === 0) return {};
  const files = [...targetFiles()].filter(([path]) => tests.some((reads) => reads(path)));
  return { mtimeSensitiveFiles: new Map(files) };
}

function sameFiles(a: ImageFiles, b: ImageFiles): boolean {
  if (a.size !== b.size) return false;
  for (const [path, file] of a) {
    const other = b.get(path);
    if (!other || !samePlacedFile(file, other)) return false;
  }
  return true;
}

/** WORKDIRs of the stage and their parents: image paths that are directories when COPY runs. */
function knownDirectories(stage: Stage): Set<string> {
  const dirs = new Set<string>(['/']);
  for (const instruction of stage.instructions) {
    for (let dir = instruction.workdir; dir !== '/'; dir = posix.dirname(dir)) dirs.add(dir);
  }
  return dirs;
}

function stagesNeededBy(graph: BuildGraph, stage: Stage, seen = new Set<number>()): Set<number> {
  if (seen.has(stage.index)) return seen;
  seen.add(stage.index);
  const deps: Stage[] = [];
  if (stage.baseStage !== undefined) deps.push(graph.stages[stage.baseStage] as Stage);
  for (const instruction of stage.instructions) {
    if (instruction.kind !== 'copy' || instruction.from === undefined) continue;
    const from = instruction.from.toLowerCase();
    const source = graph.stages.find((s) => s.name === from || String(s.index) === from);
    if (source && source.index < stage.index) deps.push(source);
  }
  for (const dep of deps) stagesNeededBy(graph, dep, seen);
  return seen;
}

function sorted(record: Record<string, string>): Array<[string, string]> {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1));
}
