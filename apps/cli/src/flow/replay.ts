// Replaying one RUN on the edit (issue 4): the RUN's layer in the last build is that build's top
// layer, so the image below it (P) is the same config minus that layer — loaded in O(1), since
// the engine has every layer. A container of P gets the COPY patch, runs the RUN command, and
// its changes are the RUN's output on the edited files: exactly what a rebuild's RUN writes.
// What the old RUN wrote and the new one did not is whited out.

import { Readable } from 'node:stream';
import {
  ancestorPaths,
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
import { type ReplayStep, type ToolchainPlan, toolchainPlan } from '@codeinject/dockerfile';
import { trace } from '../trace.js';
import { InjectionRefused } from './injection-refused.js';
import { warmRun } from './toolchain/warm-run.js';
import { BELOW_RUN_LABEL } from './toolchain/warm-toolchain.js';

/** What a replayed RUN wrote (beyond the COPY patch) and deleted. */
export interface RunCapture {
  upserts: Array<[string, ImageFile]>;
  deletions: string[];
}

export async function replayRun(
  engine: Engine,
  baseline: BaselineRecord,
  step: ReplayStep,
  copyPlan: PatchPlan,
  contextDir: string,
): Promise<PatchPlan> {
  // javac / jar / mkdir / compileall run in a warm toolchain container when the RUN lets them
  // (and runs as root, as the toolchain writes the COPY patch); otherwise in a fresh container
  // through sh. CODEINJECT_WARM_TOOLCHAIN=0 turns the warm path off (e.g. where containers get
  // no network).
  const warmPlan = (config: ImageConfig) =>
    process.env.CODEINJECT_WARM_TOOLCHAIN !== '0' && runsAsRoot(config)
      ? toolchainPlan(step.command)
      : undefined;
  const lastConfig = JSON.parse(Buffer.from(baseline.config, 'base64').toString('utf8')) as ImageConfig;
  // An incremental tool (compileall) runs on the last build itself: it redoes only stale work.
  if (step.onLastBuild) {
    const toolchain = warmPlan(lastConfig);
    const warm = toolchain
      ? await warmOnLastBuild(engine, baseline.imageId, step, toolchain, copyPlan, contextDir)
      : undefined;
    if (warm) return warm;
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
  const below = imageBelowTopLayer(lastConfig, step);
  const belowConfig = Buffer.from(JSON.stringify(below));
  const belowId = sha256(belowConfig);
  const oldOutputs = await engine.topLayer(baseline.imageId);
  if (!oldOutputs) throw new InjectionRefused("the last build's layers are not readable here");
  const toolchain = warmPlan(below);
  // The image below the RUN, loaded only when not there yet (a warm toolchain runs on it).
  const ensureBelow = async () => {
    if (await hasImage(engine, belowId)) return;
    await engine.load(
      await writePartialDockerArchive({
        config: { bytes: belowConfig, digest: belowId },
        diffIds: below.rootfs.diff_ids,
        repoTags: [],
      }),
    );
  };
  let warm = false;
  try {
    const warmCapture = toolchain
      ? await warmRun(engine, belowId, step, toolchain, copyPlan, contextDir, ensureBelow)
      : undefined;
    warm = warmCapture !== undefined;
    if (!warm) await ensureBelow();
    const { upserts, deletions } =
      warmCapture ?? (await captureRun(engine, belowId, step.command, step, copyPlan, contextDir));
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
    const changed = await withoutUnchangedOutputs(engine, baseline.imageId, upserts, oldOutputs);
    trace(`replay: ${changed.length} of ${upserts.length} outputs changed`);
    return merge(copyPlan, changed, deletions);
  } finally {
    // The warm toolchain runs on that image; it goes once the toolchain stops and is pruned.
    if (!warm) await engine.removeImage(belowId).catch(() => undefined);
  }
}

/**
 * compileall on the last build, in its warm toolchain: the COPY patch (with every copied file
 * re-stamped to the context's mtime, as a rebuild's COPY leaves them) goes in, the .pyc files that
 * differ from the last build's come back. Undefined when no toolchain can run (the caller goes cold).
 */
async function warmOnLastBuild(
  engine: Engine,
  lastBuild: string,
  step: ReplayStep,
  toolchain: ToolchainPlan,
  copyPlan: PatchPlan,
  contextDir: string,
): Promise<PatchPlan | undefined> {
  const uploaded = await withRebuildMtimes(engine, lastBuild, copyPlan, step);
  trace(`replay: ${uploaded.upserts.length - copyPlan.upserts.length} copied files re-stamped`);
  const run = await warmRun(engine, lastBuild, step, toolchain, uploaded, contextDir, async () => {});
  if (!run) return undefined;
  trace(`replay: ${run.upserts.length} outputs changed`);
  const edited = new Set(copyPlan.upserts.map(([path]) => path));
  const restamped = uploaded.upserts.filter(([path]) => !edited.has(path));
  return merge(copyPlan, [...restamped, ...run.upserts], run.deletions);
}

/**
 * The RUN's outputs without those the last build already holds byte for byte (with the same
 * mode and owner): a class file whose bytes did not change need not travel again.
 */
async function withoutUnchangedOutputs(
  engine: Engine,
  lastBuild: string,
  upserts: Array<[string, ImageFile]>,
  oldOutputs: ReadonlyArray<{ path: string; type: string }>,
): Promise<Array<[string, ImageFile]>> {
  const oldFiles = new Set(oldOutputs.filter((old) => old.type === 'file').map((old) => old.path));
  const candidates = upserts.filter(
    ([path, file]) => file.type === 'file' && file.content && oldFiles.has(path),
  );
  if (candidates.length === 0) return upserts;
  const stats = await engine.statPaths(
    lastBuild,
    candidates.map(([path]) => path),
  );
  const unchanged = new Set<string>();
  for (const [path, file] of candidates) {
    const old = stats.get(path);
    if (!old || old.mode !== file.mode || old.uid !== file.uid || old.gid !== file.gid) continue;
    const bytes = await engine.readFile(lastBuild, path);
    if (bytes && file.content?.equals(bytes)) unchanged.add(path);
  }
  return upserts.filter(([path]) => !unchanged.has(path));
}

function runsAsRoot(config: ImageConfig): boolean {
  const user = config.config?.User ?? '';
  return user === '' || /^(root|0)(:(root|0))?$/.test(user);
}

async function hasImage(engine: Engine, id: string): Promise<boolean> {
  try {
    await engine.inspectImage(id);
    return true;
  } catch {
    return false;
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
): Promise<RunCapture> {
  const uploaded = await withRebuildMtimes(engine, image, copyPlan, step);
  const container = await engine.createContainer(image, {
    cmd: ['/bin/sh', '-c', command],
    entrypoint: [],
    workdir: step.workdir,
  });
  try {
    await engine.putArchive(container, '/', (await writePatchLayer(uploaded, contextDir)).bytes);
    trace(`replay: ${uploaded.upserts.length} entries copied in`);
    const result = await engine.startAndWait(container);
    trace('replay: RUN ran');
    if (result.exitCode !== 0)
      throw new InjectionRefused(
        `the replayed RUN at line ${step.line} exited ${result.exitCode}: ${result.stderr.trim().split('\n').pop() ?? ''}`,
      );
    // What we copied in is known already (edited and re-stamped files): only the RUN's own
    // writes are fetched back.
    const copied = new Set(uploaded.upserts.map(([path]) => path));
    const changes = (await engine.containerChanges(container)).filter((change) => !copied.has(change.path));
    trace(`replay: ${changes.length} changes listed`);
    // The changes list names every parent of a changed path as modified. Fetching such a parent
    // would pull its whole subtree: only new directories are fetched whole, once.
    const parents = new Set(changes.flatMap((change) => ancestorPaths(change.path)));
    const edited = new Set(copyPlan.upserts.map(([path]) => path));
    const upserts: Array<[string, ImageFile]> = uploaded.upserts.filter(([path]) => !edited.has(path));
    const deletions: string[] = [];
    const fetchedDirs: string[] = [];
    const wanted = new Set(changes.map((change) => change.path));
    // Many changed files in one directory (a __pycache__): one archive of it, not one per file.
    for (const [dir, count] of countByParent(changes.filter((c) => c.kind !== 2 && !parents.has(c.path)))) {
      if (count < 8) continue;
      upserts.push(
        ...(await fetchEntries(engine, container, dir, step.line)).filter(([path]) => wanted.has(path)),
      );
      fetchedDirs.push(dir);
    }
    for (const change of changes) {
      if (change.kind === 2) {
        deletions.push(change.path);
        continue;
      }
      if (fetchedDirs.some((dir) => change.path.startsWith(`${dir}/`))) continue;
      if (
        change.kind === 0 &&
        (parents.has(change.path) || (await engine.isDirectoryInContainer(container, change.path)))
      )
        continue; // an existing directory whose contents changed: keep the lower one
      const entries = await fetchEntries(engine, container, change.path, step.line);
      if (entries.length > 1) fetchedDirs.push(change.path);
      upserts.push(...entries);
    }
    trace(`replay: ${upserts.length} entries fetched`);
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
    // Marked as ours: a toolchain's image stays after it stops, and the next start removes it.
    config: { ...config.config, Labels: { ...config.config?.Labels, [BELOW_RUN_LABEL]: 'true' } },
    rootfs: { type: 'layers', diff_ids: config.rootfs.diff_ids.slice(0, -1) },
    history: history.slice(0, top),
  };
}

/** The entries of a path in a container (a directory with everything below it), as image files. */
async function fetchEntries(
  engine: Engine,
  container: string,
  path: string,
  line: number,
): Promise<Array<[string, ImageFile]>> {
  const parent = path.slice(0, path.lastIndexOf('/'));
  const entries: Array<[string, ImageFile]> = [];
  await readTarEntries(Readable.from([await engine.getArchive(container, path)]), (header, body) => {
    const type =
      header.type === 'directory'
        ? 'directory'
        : header.type === 'symlink'
          ? 'symlink'
          : header.type === 'file'
            ? 'file'
            : undefined;
    if (!type) return;
    // Archive names are relative to the path's parent: `classes/`, `classes/Main.class`.
    const name = header.name.replace(/\/$/, '');
    entries.push([
      `${parent}/${name}`,
      {
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
      },
    ]);
  });
  return entries;
}

function countByParent(changes: ReadonlyArray<{ path: string }>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { path } of changes) {
    const parent = path.slice(0, path.lastIndexOf('/'));
    counts.set(parent, (counts.get(parent) ?? 0) + 1);
  }
  return counts;
}
