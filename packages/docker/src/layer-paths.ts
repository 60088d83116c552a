// Metadata (type, mode, owner, mtime) of paths in an image. A layer tar that holds `a/b/f` but
// not `a/b/` makes the engine create `a/b` as root:root 0755 in the new layer (moby
// pkg/archive UnpackLayer), which would hide the real directory's owner and mode: so a patch
// must carry every ancestor directory with the metadata the image already has for it.
// Fast path: on a local overlay2 store, lstat the image's layer directories top-down.
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256 } from '@codeinject/core';

export interface PathStat {
  type: 'file' | 'directory' | 'symlink' | 'other';
  mode: number;
  uid: number;
  gid: number;
  mtimeMs: number;
}

export interface GraphDriver {
  Name?: string;
  Data?: Record<string, string> | null;
}

/** Layer directories, top-most first, when the engine's overlay2 dirs are readable here. */
export function overlayLayerDirs(driver: GraphDriver | undefined): string[] | undefined {
  if (driver?.Name !== 'overlay2' || !driver.Data) return undefined;
  const dirs = [driver.Data.UpperDir, ...(driver.Data.LowerDir?.split(':') ?? [])].filter(
    (dir): dir is string => Boolean(dir),
  );
  return dirs.length > 0 ? dirs : undefined;
}

export async function statInLayers(
  layerDirs: readonly string[],
  paths: readonly string[],
): Promise<Map<string, PathStat> | undefined> {
  const found = new Map<string, PathStat>();
  // The top layer must be readable, or this process cannot see the store at all.
  if (!(await lstat(layerDirs[0] as string).catch(() => undefined))) return undefined;
  // Synchronous and without exceptions: most lookups miss in the upper layers, and a rejected
  // promise per miss made ~600 paths cost ~250 ms on a busy machine.
  for (const path of paths) {
    for (const dir of layerDirs) {
      const stats = lstatSync(join(dir, path), { throwIfNoEntry: false });
      if (!stats) continue;
      found.set(path, {
        type: stats.isDirectory()
          ? 'directory'
          : stats.isSymbolicLink()
            ? 'symlink'
            : stats.isFile()
              ? 'file'
              : 'other',
        mode: stats.mode & 0o7777,
        uid: stats.uid,
        gid: stats.gid,
        mtimeMs: stats.mtimeMs,
      });
      break;
    }
  }
  return found;
}

export function countInLayers(layerDirs: readonly string[], paths: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const path of paths) {
    counts.set(
      path,
      layerDirs.filter((dir) => lstatSync(join(dir, path), { throwIfNoEntry: false }) !== undefined).length,
    );
  }
  return counts;
}

/** A file's bytes from the top-most layer that has it (undefined when no layer does). */
export async function readFromLayers(
  layerDirs: readonly string[],
  path: string,
): Promise<Buffer | undefined> {
  for (const dir of layerDirs) {
    const bytes = await readFile(join(dir, path)).catch(() => undefined);
    if (bytes) return bytes;
  }
  return undefined;
}

export interface LayerEntry {
  path: string;
  type: 'file' | 'directory' | 'symlink' | 'whiteout' | 'other';
}

/** Every path in one overlay2 layer directory; a 0/0 character device is a whiteout. */
export function listLayerDir(dir: string): LayerEntry[] {
  const entries: LayerEntry[] = [];
  const visit = (relative: string) => {
    for (const name of readdirSync(join(dir, relative))) {
      const path = `${relative}/${name}`;
      const stats = lstatSync(join(dir, path));
      const type: LayerEntry['type'] = stats.isDirectory()
        ? 'directory'
        : stats.isSymbolicLink()
          ? 'symlink'
          : stats.isFile()
            ? 'file'
            : stats.isCharacterDevice() && stats.rdev === 0
              ? 'whiteout'
              : 'other';
      entries.push({ path, type });
      if (type === 'directory') visit(path);
    }
  };
  visit('');
  return entries;
}

export interface LayerFile extends LayerEntry {
  mode: number;
  uid: number;
  gid: number;
  /** sha256 of a file's bytes. */
  sha256?: string;
  linkTarget?: string;
}

/** What one overlay2 layer directory holds, with each file's digest (reads the whole layer). */
export function snapshotLayerDir(dir: string): LayerFile[] {
  return listLayerDir(dir).map((entry) => {
    const full = join(dir, entry.path);
    const stats = lstatSync(full);
    const file: LayerFile = { ...entry, mode: stats.mode & 0o7777, uid: stats.uid, gid: stats.gid };
    if (entry.type === 'file') file.sha256 = sha256(readFileSync(full));
    if (entry.type === 'symlink') file.linkTarget = readlinkSync(full);
    return file;
  });
}
