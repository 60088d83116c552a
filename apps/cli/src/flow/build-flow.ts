// One `codeinject build`: analyze, then inject, leave unchanged, or run the real build, and
// record what happened. The tag moves only once the new image is complete in the engine; the
// previous image is never changed or removed.
import {
  type BaselineRecord,
  CodeinjectError,
  type ContextIndex,
  type ImageConfig,
  indexFromJSON,
  indexToJSON,
  injectConfig,
  LABEL_BASE_IMAGE,
  LABEL_PATCH,
  type LineageEntry,
  missingAncestors,
  type PatchPlan,
  packContext,
  type StateStore,
  type TagRecord,
  walk,
  withAncestors,
  writePartialDockerArchive,
  writePatchLayer,
} from '@codeinject/core';
import { type Builder, type Engine, type ImageSummary, splitReference } from '@codeinject/docker';
import {
  chownNeedsNames,
  decide,
  type OwnerDirectory,
  parseOwnerDirectory,
  type Verdict,
} from '@codeinject/dockerfile';
import { trace } from '../trace.js';
import { type BuildArguments, type PreparedBuild, prepareBuild } from './build-request.js';
import { type InstructionRow, instructionTable } from './instruction-table.js';
import { ReplayRefused, replayRun } from './replay.js';

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
  trace('decide');

  const engine = flow === 'plan' && verdict.mode === 'build' ? undefined : await deps.engine();
  trace('connect engine');
  const mayInject = engine !== undefined && verdict.mode !== 'build' && tagRecord !== undefined;
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
      image = await inject(live, prepared, baseline as BaselineRecord, verdict, current);
    } catch (error) {
      if (!(error instanceof ReplayRefused)) throw error;
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
  await record(
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
  const engine = await deps.engine();
  const [passwd, group] = await Promise.all([
    engine.readFile(baseline.imageId, '/etc/passwd').catch(() => undefined),
    engine.readFile(baseline.imageId, '/etc/group').catch(() => undefined),
  ]);
  if (!passwd || !group) return undefined;
  return parseOwnerDirectory(passwd.toString('utf8'), group.toString('utf8'));
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

async function realBuild(engine: Engine, prepared: PreparedBuild, deps: FlowDeps): Promise<string> {
  // The Dockerfile and .dockerignore always travel, as the docker CLI sends them even when ignored.
  const always = new Set([prepared.dockerfileInContext, '.dockerignore']);
  const entries = await walk(prepared.contextDir, {
    excludes: (path) => !always.has(path) && prepared.ignore.excludes(path),
    mayReincludeBelow: (dir) =>
      prepared.ignore.mayReincludeBelow(dir) || prepared.dockerfileInContext.startsWith(`${dir}/`),
  });
  const image = await engine.build(packContext(prepared.contextDir, entries), {
    tags: prepared.tags,
    dockerfile: prepared.dockerfileInContext,
    buildArgs: prepared.buildArgs,
    ...(prepared.target ? { target: prepared.target } : {}),
    builder: deps.builder,
    onProgress: deps.log,
  });
  if (prepared.tags.length > 0) {
    // Once the tag moves to an injected image this one is untagged, and `docker image prune`
    // would delete the base of every later injection: a tag of its own keeps it.
    await engine.tag(image, baselineTag(prepared.tags[0] as string));
    const config = await engine.imageConfig(image);
    await deps.store.writeBaseline({
      imageId: image,
      createdAt: new Date().toISOString(),
      contextDir: prepared.contextDir,
      dockerfile: prepared.dockerfileInContext,
      dockerfileSha256: prepared.dockerfileSha256,
      buildArgs: prepared.buildArgs,
      ...(prepared.target ? { target: prepared.target } : {}),
      builder: deps.builder,
      config: config.toString('base64'),
      index: indexToJSON(prepared.index),
    });
  }
  return image;
}

async function inject(
  engine: Engine,
  prepared: PreparedBuild,
  baseline: BaselineRecord,
  verdict: Verdict,
  current: ImageSummary | undefined,
): Promise<string> {
  const changed = verdict.plan as PatchPlan;
  let plan = withAncestors(changed, await engine.statPaths(baseline.imageId, missingAncestors(changed)));
  trace('stat ancestor directories');
  if (verdict.replay) {
    const replayed = await replayRun(engine, baseline, verdict.replay, plan, prepared.contextDir);
    plan = withAncestors(replayed, await engine.statPaths(baseline.imageId, missingAncestors(replayed)));
    trace(`replay RUN at line ${verdict.replay.line}`);
  }
  const patch = await writePatchLayer(plan, prepared.contextDir);
  trace('write patch layer');
  // The same drift as the image the tag already holds: nothing to load.
  const labels = current?.config?.Labels ?? {};
  if (current && labels[LABEL_PATCH] === patch.digest && labels[LABEL_BASE_IMAGE] === baseline.imageId)
    return current.id;
  const baseConfig = Buffer.from(baseline.config, 'base64');
  const lines = verdict.dirtyCopies.map((copy) => `${copy.text} (line ${copy.line})`).join('; ');
  const { added, modified, deleted } = verdict.changes;
  const config = injectConfig({
    baseConfig,
    patchDiffId: patch.digest,
    baseImageId: baseline.imageId,
    createdBy: `codeinject: ${lines}: ${modified.length} modified, ${added.length} added, ${deleted.length} deleted${verdict.replay ? `; replayed RUN ${verdict.replay.command} (line ${verdict.replay.line})` : ''}`,
  });
  const diffIds = (JSON.parse(config.bytes.toString('utf8')) as ImageConfig).rootfs.diff_ids;
  const archive = await writePartialDockerArchive({ config, diffIds, patch, repoTags: prepared.tags });
  trace('write config and archive');
  await engine.load(archive);
  trace('load into engine');
  return config.digest;
}

/** The tag that keeps the last real build of `tag` alive: `repo:tag-codeinject-base`. */
export function baselineTag(tag: string): string {
  const { repo, tag: name } = splitReference(tag);
  return `${repo}:${name}-codeinject-base`.slice(0, repo.length + 1 + 128);
}

async function tagAll(engine: Engine, image: string, tags: string[]): Promise<void> {
  for (const tag of tags) await engine.tag(image, tag);
}

async function record(
  store: StateStore,
  prepared: PreparedBuild,
  tagRecord: TagRecord | undefined,
  outcome: BuildOutcome,
  baseline: string,
): Promise<void> {
  const entry: LineageEntry = {
    image: outcome.image as string,
    time: new Date().toISOString(),
    mode: outcome.mode,
    reason: outcome.reason,
    baseline,
    changes: {
      added: outcome.changes.added.length,
      modified: outcome.changes.modified.length,
      deleted: outcome.changes.deleted.length,
    },
  };
  for (const tag of prepared.tags) {
    const existing = tag === tagRecord?.tag ? tagRecord : await store.readTag(tag);
    await store.writeTag({
      tag,
      baseline,
      lineage: [...(existing?.lineage ?? []), entry],
    });
  }
}
