// Adopting an image codeinject did not build (issue 3): `docker build -t app .` earlier, then
// `codeinject build -t app .`. The image becomes the baseline without a rebuild when it provably
// is what building this Dockerfile on this context gives: its layers start with the base image's,
// its history after them matches the stage instruction by instruction, and every COPY's layer
// holds exactly the files (bytes, modes, owners, links) that COPY takes from the context now.
// Otherwise the real build runs, and says why.
import { type ImageConfig, type ImageFile, samePlacedFile } from '@codeinject/core';
import type { Engine, ImageSummary, LayerFile } from '@codeinject/docker';
import { alignHistory, filesOfCopy } from '@codeinject/dockerfile';
import type { FlowDeps } from './build-flow.js';
import type { PreparedBuild } from './build-request.js';
import { imageOwners } from './image-owners.js';
import { recordBaseline } from './real-build.js';

/** Adopts `image` as the baseline of the first tag; returns why not when it cannot. */
export async function adopt(
  engine: Engine,
  prepared: PreparedBuild,
  image: ImageSummary,
  deps: FlowDeps,
): Promise<string | undefined> {
  const refusal = await whyNotAdoptable(engine, prepared, image);
  if (refusal) return refusal;
  await recordBaseline(engine, prepared, image.id, 'adopted', deps);
  return undefined;
}

async function whyNotAdoptable(
  engine: Engine,
  prepared: PreparedBuild,
  image: ImageSummary,
): Promise<string | undefined> {
  const stage = prepared.graph.target;
  const labels = image.config?.Labels ?? {};
  const missing = Object.entries(prepared.labels ?? {}).find(([key, value]) => labels[key] !== value);
  if (missing) return `it does not carry the label ${missing[0]}=${missing[1]}`;
  if (stage.baseStage !== undefined) return 'its stage starts from another stage';
  // An ARG may change what a RUN did without leaving a trace the history shows.
  if (stage.instructions.some((i) => i.keyword === 'ARG' || i.keyword === 'ONBUILD'))
    return 'its stage declares ARG or ONBUILD';
  const base = await engine.inspectImage(stage.base).catch(() => undefined);
  if (!base) return `its base image ${stage.base} is not in the engine`;
  if (!base.diffIds.every((diffId, i) => image.diffIds[i] === diffId))
    return `it was not built on ${stage.base} as it is now`;
  const config = JSON.parse((await engine.imageConfig(image.id)).toString('utf8')) as ImageConfig;
  const baseConfig = JSON.parse((await engine.imageConfig(base.id)).toString('utf8')) as ImageConfig;
  const aligned = alignHistory(stage, config.history ?? [], {
    historyLength: baseConfig.history?.length ?? 0,
    layerCount: base.diffIds.length,
  });
  if ('mismatch' in aligned) return aligned.mismatch;
  const owners = await imageOwners(engine, image.id);
  for (const instruction of stage.instructions) {
    if (instruction.kind !== 'copy') continue;
    if (instruction.keyword === 'ADD')
      return `ADD at line ${instruction.line} may have fetched or unpacked more`;
    if (instruction.from !== undefined || instruction.heredoc) continue;
    const layer = aligned.layers.get(instruction);
    const held = layer === undefined ? [] : await engine.layerFiles(image.id, layer);
    if (!held) return 'its layers are not readable here';
    const wanted = filesOfCopy(stage, instruction, prepared.index, owners);
    const differing = differences(wanted, held);
    if (differing.length > 0)
      return `its COPY at line ${instruction.line} holds other files than the context now (${differing.slice(0, 3).join(', ')}${differing.length > 3 ? ', …' : ''})`;
  }
  return undefined;
}

/** Paths where a COPY layer and what the COPY takes now disagree (directories aside). */
function differences(wanted: ReadonlyMap<string, ImageFile>, held: readonly LayerFile[]): string[] {
  const out: string[] = [];
  const heldPaths = new Set<string>();
  for (const file of held) {
    if (file.type === 'directory') continue;
    heldPaths.add(file.path);
    const want = wanted.get(file.path);
    // A whiteout or a device never equals what a COPY writes.
    const placed =
      file.type === 'whiteout' || file.type === 'other' ? undefined : asImageFile(file, file.type);
    if (!want || !placed || !samePlacedFile(want, placed)) out.push(file.path);
  }
  for (const [path, file] of wanted) if (file.type !== 'directory' && !heldPaths.has(path)) out.push(path);
  return out.sort();
}

/** A layer's entry in the shape COPY's files have, for the one comparison both use. */
function asImageFile(file: LayerFile, type: ImageFile['type']): ImageFile {
  return {
    type,
    mode: file.mode,
    uid: file.uid,
    gid: file.gid,
    mtimeMs: 0,
    size: 0,
    sourcePath: '',
    line: 0,
    ...(file.sha256 ? { sha256: file.sha256 as ImageFile['sha256'] } : {}),
    ...(file.linkTarget !== undefined ? { linkTarget: file.linkTarget } : {}),
  };
}
