// Walks a build context the way the docker CLI reads it: regular files, directories and
// symlinks (kept as links, never followed), in lexical order so tarballs are reproducible.
import { lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { resolve } from 'node:path';

export type EntryType = 'file' | 'directory' | 'symlink';

export interface FsEntry {
  /** Path relative to the walked root, with forward slashes and no leading `./`. */
  path: string;
  type: EntryType;
  /** Permission bits only (e.g. 0o644); the type is in `type`. */
  mode: number;
  size: number;
  mtimeMs: number;
  ino: number;
  linkTarget?: string;
}

/** Which paths (relative, forward slashes) the walk leaves out, e.g. a .dockerignore. */
export interface WalkFilter {
  excludes(path: string, isDirectory: boolean): boolean;
  /** An excluded directory is still entered when a later `!pattern` may re-include a child. */
  mayReincludeBelow(directory: string): boolean;
}

const INCLUDE_ALL: WalkFilter = { excludes: () => false, mayReincludeBelow: () => false };

export async function walk(root: string, filter: WalkFilter = INCLUDE_ALL): Promise<FsEntry[]> {
  const entries: FsEntry[] = [];
  // Plain concatenation below: path.join normalises every time, and this runs once per entry.
  const base = resolve(root);
  async function visit(relativeDir: string): Promise<void> {
    // Synchronous on purpose: for thousands of small lstat calls the promise API costs ~10× more
    // (~100 ms against ~8 ms for 1,100 files here), and a CLI has nothing else to do meanwhile.
    const names = readdirSync(relativeDir ? `${base}/${relativeDir}` : base).sort();
    for (const name of names) {
      const path = relativeDir ? `${relativeDir}/${name}` : name;
      const stat = lstatSync(`${base}/${path}`);
      const type: EntryType | undefined = stat.isDirectory()
        ? 'directory'
        : stat.isSymbolicLink()
          ? 'symlink'
          : stat.isFile()
            ? 'file'
            : undefined;
      // Sockets, fifos and devices cannot be sent in a build context; docker skips them too.
      if (type === undefined) continue;
      if (filter.excludes(path, type === 'directory')) {
        if (type === 'directory' && filter.mayReincludeBelow(path)) await visit(path);
        continue;
      }
      const entry: FsEntry = {
        path,
        type,
        mode: stat.mode & 0o7777,
        size: type === 'file' ? stat.size : 0,
        mtimeMs: stat.mtimeMs,
        ino: stat.ino,
      };
      if (type === 'symlink') entry.linkTarget = readlinkSync(`${base}/${path}`);
      entries.push(entry);
      if (type === 'directory') await visit(path);
    }
  }
  await visit('');
  return entries;
}
