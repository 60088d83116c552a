// The injection itself: the patch layer (with any replayed RUN's output), the new config, and
// a partial load that moves the tags once the image is complete.
import {
  type BaselineRecord,
  type ImageConfig,
  injectConfig,
  LABEL_BASE_IMAGE,
  LABEL_PATCH,
  missingAncestors,
  type PatchPlan,
  withAncestors,
  writePartialDockerArchive,
  writePatchLayer,
} from '@codeinject/core';
import type { Engine, ImageSummary } from '@codeinject/docker';
import type { Verdict } from '@codeinject/dockerfile';
import { trace } from '../trace.js';
import type { PreparedBuild } from './build-request.js';
import { InjectionRefused } from './injection-refused.js';
import { replayRun } from './replay.js';

export interface PreparedPatch {
  plan: PatchPlan;
  patch: Awaited<ReturnType<typeof writePatchLayer>>;
}

export async function inject(
  engine: Engine,
  prepared: PreparedBuild,
  baseline: BaselineRecord,
  verdict: Verdict,
  current: ImageSummary | undefined,
  patch?: PreparedPatch,
): Promise<string> {
  return loadPatch(
    engine,
    prepared,
    baseline,
    verdict,
    current,
    patch ?? (await preparePatch(engine, prepared, baseline, verdict)),
  );
}

/** The patch layer: the edit, any replayed RUN's output, and the ancestors they need. */
export async function preparePatch(
  engine: Engine,
  prepared: PreparedBuild,
  baseline: BaselineRecord,
  verdict: Verdict,
): Promise<PreparedPatch> {
  const changed = verdict.plan as PatchPlan;
  await refuseShadowingDeletions(engine, baseline.imageId, changed.deletions);
  let plan = withAncestors(changed, await engine.statPaths(baseline.imageId, missingAncestors(changed)));
  trace('stat ancestor directories');
  if (verdict.replay) {
    const replayed = await replayRun(engine, baseline, verdict.replay, plan, prepared.contextDir);
    plan = withAncestors(replayed, await engine.statPaths(baseline.imageId, missingAncestors(replayed)));
    trace(`replay RUN at line ${verdict.replay.line}`);
  }
  const patch = await writePatchLayer(plan, prepared.contextDir);
  trace('write patch layer');
  return { plan, patch };
}

/** The new image (last build + patch) into the engine, moving the tags. */
async function loadPatch(
  engine: Engine,
  prepared: PreparedBuild,
  baseline: BaselineRecord,
  verdict: Verdict,
  current: ImageSummary | undefined,
  { patch }: PreparedPatch,
): Promise<string> {
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

/**
 * A deleted file that an older layer also holds (the base image's, or an earlier step's) comes
 * back in a rebuild, which simply does not copy it again; a whiteout would hide both. Such
 * deletions, and any deletion where the layers cannot be read here, take the real build.
 */
async function refuseShadowingDeletions(engine: Engine, image: string, deletions: string[]): Promise<void> {
  if (deletions.length === 0) return;
  const counts = await engine.layerCounts(image, deletions);
  if (!counts)
    throw new InjectionRefused("a file was deleted and the image's layers cannot be read here to check it");
  const shadowing = deletions.find((path) => (counts.get(path) ?? 0) > 1);
  if (shadowing) throw new InjectionRefused(`deleting ${shadowing} would also hide an older layer's copy`);
}
