// Where a COPY puts each context entry in the image, as the builders do it
// (dockerfile2llb convert_copy.go, the legacy builder's copier): wildcard sources by Go's
// filepath.Match, a directory source copies its contents, the destination is a directory when it
// ends in `/`, is `.`, is a known directory or takes several sources; relative to WORKDIR.
import { posix } from 'node:path';
import {
  ContextError,
  type ContextIndex,
  type ImageFile,
  type ImageFiles,
  type IndexedEntry,
} from '@codeinject/core';
import type { CopyInstruction } from './build-graph.js';
import type { OwnerDirectory } from './owners.js';
import { hasWildcard, pathMatch } from './path-match.js';

export class UnsupportedCopyError extends Error {}

export interface Ownership {
  uid: number;
  gid: number;
}

/** `--chown` as uid/gid: numbers as given, names looked up in the image's passwd/group files. */
export function parseChown(chown: string | undefined, directory?: OwnerDirectory): Ownership {
  if (chown === undefined || chown === '') return { uid: 0, gid: 0 };
  const [user = '', group] = chown.split(':');
  const userEntry = /^\d+$/.test(user) ? undefined : directory?.users.get(user);
  if (!/^\d+$/.test(user) && !userEntry) throw unknownName('user', user, directory);
  const uid = userEntry ? userEntry.uid : Number(user);
  if (group === undefined) return { uid, gid: userEntry ? userEntry.gid : uid };
  if (/^\d+$/.test(group)) return { uid, gid: Number(group) };
  const gid = directory?.groups.get(group);
  if (gid === undefined) throw unknownName('group', group, directory);
  return { uid, gid };
}

function unknownName(
  kind: string,
  name: string,
  directory: OwnerDirectory | undefined,
): UnsupportedCopyError {
  return new UnsupportedCopyError(
    directory
      ? `--chown names ${kind} ${name}, which the image does not define`
      : `--chown names ${kind} ${name} and the image's ${kind} list could not be read`,
  );
}

export function parseChmod(chmod: string | undefined): number | undefined {
  if (chmod === undefined) return undefined;
  if (!/^[0-7]{3,4}$/.test(chmod)) throw new UnsupportedCopyError(`--chmod=${chmod} is not an octal mode`);
  return Number.parseInt(chmod, 8);
}

/** Context path of a COPY source, refusing one that leaves the context. */
export function contextSource(source: string): string {
  const cleaned = posix.normalize(`/${source}`).slice(1).replace(/\/$/, '');
  if (cleaned === '..' || cleaned.startsWith('../'))
    throw new ContextError(`COPY source ${source} is outside the build context`);
  return cleaned === '' ? '.' : cleaned;
}

/** One COPY with its sources resolved against a context index: everything its mapping needs. */
export interface ResolvedCopy {
  copy: CopyInstruction;
  sources: IndexedEntry[];
  destPath: string;
  destIsDirectory: boolean;
  owner: Ownership;
  chmod: number | undefined;
}

/**
 * Resolves a COPY's sources, destination and ownership. `knownDirectories` holds image paths
 * known to be directories (WORKDIRs and their parents).
 */
export function resolveCopy(
  copy: CopyInstruction,
  index: ContextIndex,
  knownDirectories: ReadonlySet<string>,
  directory?: OwnerDirectory,
): ResolvedCopy {
  const destPath = posix.resolve(copy.workdir, copy.dest);
  const owner = parseChown(copy.chown, directory);
  const chmod = parseChmod(copy.chmod);
  const sources = copy.sources.flatMap((source) => resolveSource(source, index));
  const link = sources.find((source) => source.type === 'symlink');
  if (link) throw new UnsupportedCopyError(`COPY source ${link.path} is a symlink (the builders follow it)`);
  return {
    copy,
    owner,
    chmod,
    sources,
    destPath,
    destIsDirectory:
      copy.dest.endsWith('/') ||
      /(^|\/)\.\.?$/.test(copy.dest) ||
      copy.sources.length > 1 ||
      copy.sources.some(hasWildcard) ||
      knownDirectories.has(destPath),
  };
}

/**
 * Adds what one COPY from the context writes to `files` (later calls overwrite earlier ones,
 * as a later COPY wins in the image).
 */
export function applyCopy(
  copy: CopyInstruction,
  index: ContextIndex,
  knownDirectories: ReadonlySet<string>,
  files: ImageFiles,
  directory?: OwnerDirectory,
): void {
  placeAll(resolveCopy(copy, index, knownDirectories, directory), index, files);
}

/** Adds everything a resolved COPY writes, taken from `index` (the one it was resolved against). */
export function placeAll(resolved: ResolvedCopy, index: ContextIndex, files: ImageFiles): void {
  for (const source of resolved.sources) {
    if (isTree(source)) {
      const prefix = treePrefix(source);
      for (const [path, entry] of index) {
        if (path.startsWith(prefix))
          files.set(under(resolved.destPath, path.slice(prefix.length)), placedFile(resolved, entry));
      }
    } else {
      files.set(fileTarget(resolved, source), placedFile(resolved, source));
    }
  }
}

/** The image paths this COPY writes a context path to (none when it does not take it). */
export function imagePathsOf(resolved: ResolvedCopy, contextPath: string): string[] {
  const paths: string[] = [];
  for (const source of resolved.sources) {
    if (isTree(source)) {
      const prefix = treePrefix(source);
      if (contextPath.startsWith(prefix) && contextPath.length > prefix.length)
        paths.push(under(resolved.destPath, contextPath.slice(prefix.length)));
    } else if (source.path === contextPath) {
      paths.push(fileTarget(resolved, source));
    }
  }
  return paths;
}

/** What this COPY writes at one image path, if anything: applyCopy read backwards, for one path. */
export function placedAt(
  resolved: ResolvedCopy,
  index: ContextIndex,
  imagePath: string,
): ImageFile | undefined {
  let placed: IndexedEntry | undefined;
  const destPrefix = resolved.destPath === '/' ? '/' : `${resolved.destPath}/`;
  // Later sources overwrite earlier ones, as in applyCopy.
  for (const source of resolved.sources) {
    if (isTree(source)) {
      if (!imagePath.startsWith(destPrefix) || imagePath.length === destPrefix.length) continue;
      const entry = index.get(treePrefix(source) + imagePath.slice(destPrefix.length));
      if (entry) placed = entry;
    } else if (fileTarget(resolved, source) === imagePath) {
      placed = source;
    }
  }
  return placed ? placedFile(resolved, placed) : undefined;
}

function isTree(source: IndexedEntry): boolean {
  return source.type === 'directory' || source.path === '.';
}

function treePrefix(source: IndexedEntry): string {
  return source.path === '.' ? '' : `${source.path}/`;
}

function fileTarget(resolved: ResolvedCopy, source: IndexedEntry): string {
  return resolved.destIsDirectory ? under(resolved.destPath, posix.basename(source.path)) : resolved.destPath;
}

function placedFile(resolved: ResolvedCopy, entry: IndexedEntry): ImageFile {
  const file: ImageFile = {
    type: entry.type,
    mode: resolved.chmod ?? entry.mode,
    uid: resolved.owner.uid,
    gid: resolved.owner.gid,
    mtimeMs: entry.mtimeMs,
    size: entry.size,
    sourcePath: entry.path,
    line: resolved.copy.line,
  };
  if (entry.sha256) file.sha256 = entry.sha256;
  if (entry.linkTarget !== undefined) file.linkTarget = entry.linkTarget;
  return file;
}

/** `dir/name` without posix.join's normalising: both parts are clean already, and this runs per file. */
function under(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}

function resolveSource(source: string, index: ContextIndex): IndexedEntry[] {
  const path = contextSource(source);
  if (path === '.') return [{ path: '.', type: 'directory', mode: 0o755, size: 0, mtimeMs: 0, ino: 0 }];
  if (!hasWildcard(path)) {
    const entry = index.get(path);
    if (!entry) throw new ContextError(`COPY source ${source} does not exist in the build context`);
    return [entry];
  }
  const matches = [...index.values()].filter((entry) => pathMatch(path, entry.path));
  if (matches.length === 0)
    throw new ContextError(`COPY source ${source}: no files match in the build context`);
  return matches;
}
