// One `codeinject build`: analyze, then inject, leave unchanged, or run the real build, and
// record what happened. The tag moves only once the new image is complete in the engine; the
// previous image is never changed or removed.
import {
  type BaselineRecord,
  CodeinjectError,
  type ContextIndex,
  indexFromJSON,
  type PatchPlan,
  type StateStore,
  type TagRecord,
} from '@codeinject/core';
import type { Builder, Engine, ImageSummary } from '@codeinject/docker';
import { chownNeedsNames, decide, type OwnerDirectory, type Verdict } from '@codeinject/dockerfile';
import { trace } from '../trace.js';
import { adopt } from './adopt.js';
import { type BuildArguments, type PreparedBuild, prepareBuild } from './build-request.js';
import { imageOwners } from './image-owners.js';
import { inject, preparePatch } from './inject-image.js';
import { InjectionRefused } from './injection-refused.js';
import { type InstructionRow, instructionTable } from './instruction-table.js';
import { recordLineage, tagAll } from './lineage.js';
import { realBuild } from './real-build.js';

export type FlowMode = 'build' | 'inject' | 'plan';

export interface BuildOutcome {
  mode: 'inject' | 'build' | 'unchanged';
  image: string | null;
  previous: string | null;
  tags: string[];
  changes: { added: string[]; modified: string[]; deleted: string[] };
  reason: string;
  line?: number;
  plan?: PatchPlan;
  /** The target stage's instructions and what this run means for each (for `plan`). */
  instructions: InstructionRow[];
  ms: number;
}

export class NotInjectableError extends CodeinjectError {
  constructor(reason: string) {
    super('E_NOT_INJECTABLE', `not injectable: ${reason}`, 3);
  }
}

export interface FlowDeps {
  engine: () => Promise<Engine>;
  store: StateStore;
  builder: Builder;
  log: (line: string) => void;
}

export async function runBuildFlow(
  args: BuildArguments,
  flow: FlowMode,
  deps: FlowDeps,
): Promise<BuildOutcome> {
  const tag = args.tags[0];
  if (flow === 'plan' || !tag) return runLocked(args, flow, deps);
  const release = await deps.store.lockTag(tag);
  try {
    return await runLocked(args, flow, deps);
  } finally {
    await release();
  }
}

async function runLocked(args: BuildArguments, flow: FlowMode, deps: FlowDeps): Promise<BuildOutcome> {
  const started = performance.now();
  const tag = args.tags[0];
  const tagRecord = tag ? await deps.store.readTag(tag) : undefined;
  const baseline = tagRecord ? await deps.store.readBaseline(tagRecord.baseline) : undefined;
  // The last real build's index is also the stat cache: only files changed since are hashed.
  const baselineIndex = baseline ? indexFromJSON(baseline.index) : undefined;
  trace('read tag record and baseline');
  const prepared = await prepareBuild(args, baselineIndex);
  trace('parse Dockerfile and index context');
  const owners = baseline ? await ownersFor(prepared, baseline, deps) : undefined;
  let verdict = analyze(prepared, baseline, baselineIndex, tag, owners);
  const asked = args.noCache ? '--no-cache' : args.pull ? '--pull' : undefined;
  if (asked) verdict = { ...verdict, mode: 'build', reason: `${asked} asks for a real build` };
  trace('decide');

  const engine = flow === 'plan' && verdict.mode === 'build' ? undefined : await deps.engine();
  trace('connect engine');
  const mayInject = engine !== undefined && verdict.mode !== 'build' && tagRecord !== undefined;
  // The patch (and any replay) is prepared while the engine answers the checks below; it is
  // loaded only once they pass, and simply dropped when they do not.
  const early =
    mayInject && flow !== 'plan' && verdict.mode === 'inject' && verdict.plan && baseline
      ? settle(preparePatch(engine, prepared, baseline, verdict))
      : undefined;
  // One round of engine questions, asked together: each costs a few ms.
  const [current, baselineImage] = await Promise.all([
    tag && engine ? engine.inspectImage(tag).catch(() => undefined) : undefined,
    mayInject ? engine.inspectImage(tagRecord.baseline).catch(() => undefined) : undefined,
  ]);
  const previous = current?.id ?? null;
  if (mayInject) {
    const refusal = await injectionRefusal(engine, baselineImage, tagRecord, previous);
    if (refusal) verdict = { ...verdict, mode: 'build', reason: refusal };
  }
  trace('inspect tag and check engine');
  // An image the tag already names, built without codeinject: adopted when it provably equals
  // a build of this context, so the first run needs no rebuild.
  const adoption =
    flow !== 'plan' && tag && engine && !tagRecord && current && !asked
      ? { refusal: await adopt(engine, prepared, current, deps) }
      : undefined;
  if (adoption) trace('adopt');
  const outcome = (
    mode: BuildOutcome['mode'],
    image: string | null,
    reason = verdict.reason,
  ): BuildOutcome => ({
    mode,
    image,
    previous,
    tags: args.tags,
    changes: verdict.changes,
    reason,
    ...(verdict.line !== undefined ? { line: verdict.line } : {}),
    ...(verdict.plan ? { plan: verdict.plan } : {}),
    instructions: instructionTable(prepared.graph.target, verdict),
    ms: Math.round(performance.now() - started),
  });

  if (flow === 'plan') return outcome(verdict.mode, previous);
  if (current && adoption && adoption.refusal === undefined) {
    const result = outcome(
      'unchanged',
      current.id,
      `adopted ${current.id.slice('sha256:'.length, 'sha256:'.length + 12)} as the baseline: it is what this Dockerfile builds from this context (later edits inject)`,
    );
    await recordLineage(deps.store, prepared, tagRecord, result, current.id);
    return result;
  }
  if (adoption?.refusal)
    verdict = { ...verdict, reason: `${verdict.reason}; its image was not adopted: ${adoption.refusal}` };
  if (verdict.mode === 'build' && flow === 'inject') throw new NotInjectableError(verdict.reason);
  const live = engine as Engine;

  let image: string;
  if (verdict.mode === 'build') {
    image = await realBuild(live, prepared, deps);
  } else if (verdict.mode === 'unchanged' || !verdict.plan) {
    image = (baseline as BaselineRecord).imageId;
    if (previous !== image) await tagAll(live, image, args.tags);
  } else {
    try {
      const patch = early ? await early : undefined;
      if (patch && 'error' in patch) throw patch.error;
      image = await inject(live, prepared, baseline as BaselineRecord, verdict, current, patch?.value);
    } catch (error) {
      if (!(error instanceof InjectionRefused)) throw error;
      if (flow === 'inject') throw new NotInjectableError(error.message);
      verdict = { ...verdict, mode: 'build', reason: `${error.message}: rebuilt instead` };
      image = await realBuild(live, prepared, deps);
    }
  }
  trace(`${verdict.mode} done`);
  const result =
    verdict.mode === 'inject' && image === previous
      ? outcome('unchanged', image, 'the image already holds this edit')
      : outcome(verdict.mode, image);
  await recordLineage(
    deps.store,
    prepared,
    tagRecord,
    result,
    verdict.mode === 'build' ? image : (baseline as BaselineRecord).imageId,
  );
  trace('record lineage');
  result.ms = Math.round(performance.now() - started);
  return result;
}

function analyze(
  prepared: PreparedBuild,
  baseline: BaselineRecord | undefined,
  baselineIndex: ContextIndex | undefined,
  tag: string | undefined,
  owners?: OwnerDirectory,
): Verdict {
  const current = {
    dockerfileSha256: prepared.dockerfileSha256,
    buildArgs: prepared.buildArgs,
    ...(prepared.labels ? { labels: prepared.labels } : {}),
    ...(prepared.target ? { target: prepared.target } : {}),
    index: prepared.index,
  };
  if (!tag) return decide({ graph: prepared.graph, current, baseline: undefined });
  const sameSource =
    baseline &&
    baseline.contextDir === prepared.contextDir &&
    baseline.dockerfile === prepared.dockerfileInContext;
  const recorded =
    baseline && sameSource
      ? {
          dockerfileSha256: baseline.dockerfileSha256,
          buildArgs: baseline.buildArgs,
          ...(baseline.labels ? { labels: baseline.labels } : {}),
          ...(baseline.target ? { target: baseline.target } : {}),
          index: baselineIndex as ContextIndex,
        }
      : undefined;
  const verdict = decide({
    graph: prepared.graph,
    current,
    baseline: recorded,
    ...(owners ? { owners } : {}),
  });
  if (baseline && !sameSource)
    return { ...verdict, reason: `${tag} was last built from another context or Dockerfile` };
  return verdict;
}

/** The last build's users and groups, read only when a COPY --chown names one. */
async function ownersFor(
  prepared: PreparedBuild,
  baseline: BaselineRecord,
  deps: FlowDeps,
): Promise<OwnerDirectory | undefined> {
  const named = prepared.graph.target.instructions.some((i) => i.kind === 'copy' && chownNeedsNames(i.chown));
  if (!named) return undefined;
  return imageOwners(await deps.engine(), baseline.imageId);
}

/** Why the engine's state forbids injecting, if it does. */
async function injectionRefusal(
  engine: Engine,
  baselineImage: ImageSummary | undefined,
  tagRecord: TagRecord,
  previous: string | null,
): Promise<string | undefined> {
  if (!baselineImage) return 'the image of the last real build is gone from the engine';
  // overlay2 is a classic-store graph driver, never a containerd snapshotter name (that is
  // overlayfs): only other drivers need the slower `docker info` to tell the stores apart.
  if (baselineImage.graphDriver !== 'overlay2' && (await engine.info()).containerdImageStore)
    return 'the engine uses the containerd image store, which partial loads do not support yet';
  const ours = new Set([tagRecord.baseline, ...tagRecord.lineage.map((entry) => entry.image)]);
  if (previous && !ours.has(previous))
    return `${tagRecord.tag} now points to an image codeinject did not make`;
  return undefined;
}

/** A promise that never rejects: its failure is kept for whoever awaits it (or dropped). */
function settle<T>(promise: Promise<T>): Promise<{ value: T } | { error: unknown }> {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}
