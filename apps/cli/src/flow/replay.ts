// Replaying one RUN on the edit (issue 4): the RUN's layer in the last build is that build's top
// layer, so the image below it (P) is the same config minus that layer — loaded in O(1), since
// the engine has every layer. A container of P gets the COPY patch, runs the RUN command, and
// its changes are the RUN's output on the edited files: exactly what a rebuild's RUN writes.
// What the old RUN wrote and the new one did not is whited out.

import { Readable } from 'node:stream';
import {
  type BaselineRecord,
  type ImageConfig,
  type ImageFile,
  type PatchPlan,
  readTarEntries,
  sha256,
  writePartialDockerArchive,
  writePatchLayer,
} from '@codeinject/core';
import type { Engine } from '@codeinject/docker';
import type { ReplayStep } from '@codeinject/dockerfile';

/** The edit cannot be injected exactly after all; the flow runs the real build instead. */
export class InjectionRefused extends Error {}

export async function replayRun(
  engine: Engine,
  baseline: BaselineRecord,
  step: ReplayStep,
  copyPlan: PatchPlan,
  contextDir: string,
): Promise<PatchPlan> {
  // An incremental tool (compileall) runs on the last build itself: it redoes only stale work.
  if (step.onLastBuild) {
    const run = await captureRun(
      engine,
      baseline.imageId,
      `${step.onLastBuild.prelude}${step.command}`,
      step,
      copyPlan,
      contextDir,
    );
    return merge(copyPlan, run.upserts, run.deletions);
  }
  const config = JSON.parse(Buffer.from(baseline.config, 'base64').toString('utf8')) as ImageConfig;
  const below = imageBelowTopLayer(config, step);
  const belowConfig = Buffer.from(JSON.stringify(below));
  const belowId = sha256(belowConfig);
  const oldOutputs = await engine.topLayer(baseline.imageId);
  if (!oldOutputs) throw new InjectionRefused("the last build's layers are not readable here");
  await engine.load(
    await writePartialDockerArchive({
      config: { bytes: belowConfig, digest: belowId },
      diffIds: below.rootfs.diff_ids,
      repoTags: [],
    }),
  );
  try {
    const { upserts, deletions } = await captureRun(
      engine,
      belowId,
      step.command,
      step,
      copyPlan,
      contextDir,
    );
    // What the old RUN left that the new one did not write. Directories are skipped: a layer
    // holds its files' parents (and BuildKit leaves an empty /etc from its mounts), and a
    // whiteout of one would hide the lower layers' contents.
    const copied = new Set(copyPlan.upserts.map(([path]) => path));
    const written = new Set([...upserts.map(([path]) => path), ...deletions]);
    const leftovers = oldOutputs.filter(
      (old) => old.type !== 'directory' && !written.has(old.path) && !copied.has(old.path),
    );
    const whiteout = leftovers.find((old) => old.type === 'whiteout');
    if (whiteout) throw new InjectionRefused(`the RUN at line ${step.line} once deleted ${whiteout.path}`);
    const underneath = await engine.statPaths(
      belowId,
      leftovers.map((old) => old.path),
    );
    for (const old of leftovers) {
      // The old RUN overwrote a file from below; a whiteout would hide that file too.
      if (underneath.has(old.path))
        throw new InjectionRefused(`the RUN at line ${step.line} once changed ${old.path}`);
      deletions.push(old.path);
    }
    return merge(copyPlan, upserts, deletions);
  } finally {
    await engine.removeImage(belowId).catch(() => undefined);
  }
}

/** Runs `command` in a container of `image` with the COPY patch in place; returns what it changed. */
async function captureRun(
  engine: Engine,
  image: string,
  command: string,
  step: ReplayStep,
  copyPlan: PatchPlan,
  contextDir: string,
): Promise<{ upserts: Array<[string, ImageFile]>; deletions: string[] }> {
  const uploaded = await withRebuildMtimes(engine, image, copyPlan, step);
  const container = await engine.createContainer(image, {
    cmd: ['/bin/sh', '-c', command],
    workdir: step.workdir,
  });
  try {
    await engine.putArchive(container, '/', (await writePatchLayer(uploaded, contextDir)).bytes);
    const result = await engine.startAndWait(container);
    if (result.exitCode !== 0)
      throw new InjectionRefused(
        `the replayed RUN at line ${step.line} exited ${result.exitCode}: ${result.stderr.trim().split('\n').pop() ?? ''}`,
      );
    const copied = new Set(copyPlan.upserts.map(([path]) => path));
    const upserts: Array<[string, ImageFile]> = [];
    const deletions: string[] = [];
    for (const change of await engine.containerChanges(container)) {
      if (copied.has(change.path)) continue;
      if (change.kind === 2) deletions.push(change.path);
      else {
        const file = await fetchEntry(engine, container, change.path, step.line);
        // A directory that already existed only had its mtime touched: keep the lower one.
        if (file && !(file.type === 'directory' && change.kind === 0)) upserts.push([change.path, file]);
      }
    }
    return { upserts, deletions };
  } finally {
    await engine.removeContainer(container).catch(() => undefined);
  }
}

function merge(copyPlan: PatchPlan, upserts: Array<[string, ImageFile]>, deletions: string[]): PatchPlan {
  const gone = new Set(deletions);
  return {
    upserts: [...copyPlan.upserts, ...upserts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    deletions: [...gone].filter((path) => ![...gone].some((other) => path.startsWith(`${other}/`))).sort(),
  };
}

/**
 * The COPY patch plus every copied file whose mtime (to the second) in the image differs from the
 * context's, when the RUN records mtimes: a rebuild's COPY would give all of them the context's.
 */
async function withRebuildMtimes(
  engine: Engine,
  below: string,
  plan: PatchPlan,
  step: ReplayStep,
): Promise<PatchPlan> {
  const files = step.mtimeSensitiveFiles;
  if (!files) return plan;
  const planned = new Set(plan.upserts.map(([path]) => path));
  const candidates = [...files].filter(([path, file]) => file.type === 'file' && !planned.has(path));
  const inImage = await engine.statPaths(
    below,
    candidates.map(([path]) => path),
  );
  const seconds = (ms: number) => Math.floor(ms / 1000);
  const restamped = candidates.filter(
    ([path, file]) => seconds(inImage.get(path)?.mtimeMs ?? -1) !== seconds(file.mtimeMs),
  );
  if (restamped.length === 0) return plan;
  const upserts = [...plan.upserts, ...restamped].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { upserts, deletions: plan.deletions };
}

/** The last build's config without its top layer: the RUN being replayed must be that layer. */
function imageBelowTopLayer(config: ImageConfig, step: ReplayStep): ImageConfig {
  const history = config.history ?? [];
  const top = history.map((entry) => !entry.empty_layer).lastIndexOf(true);
  const createdBy = history[top]?.created_by ?? '';
  if (top < 0 || !createdBy.includes(step.command))
    throw new InjectionRefused(`the last build's top layer is not the RUN at line ${step.line}`);
  return {
    ...config,
    rootfs: { type: 'layers', diff_ids: config.rootfs.diff_ids.slice(0, -1) },
    history: history.slice(0, top),
  };
}

async function fetchEntry(
  engine: Engine,
  container: string,
  path: string,
  line: number,
): Promise<ImageFile | undefined> {
  let found: ImageFile | undefined;
  await readTarEntries(Readable.from([await engine.getArchive(container, path)]), (header, body) => {
    if (found) return;
    const type =
      header.type === 'directory'
        ? 'directory'
        : header.type === 'symlink'
          ? 'symlink'
          : header.type === 'file'
            ? 'file'
            : undefined;
    if (!type) return;
    found = {
      type,
      mode: (header.mode ?? 0) & 0o7777,
      uid: header.uid ?? 0,
      gid: header.gid ?? 0,
      mtimeMs: header.mtime?.getTime() ?? 0,
      size: body.length,
      sourcePath: '',
      line,
      ...(type === 'file' ? { content: body, sha256: sha256(body) } : {}),
      ...(header.linkname ? { linkTarget: header.linkname } : {}),
    };
  });
  return found;
}
