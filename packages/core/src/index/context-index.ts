// Content index of a build context: every walked entry with the sha256 of each regular file.
// A stat cache (size, mtime, inode, mode of the previous index) means a run hashes only files
// that changed since then, so indexing cost follows the edit, not the app. The same caveat as
// git's index applies: an edit that keeps size and mtime to the millisecond goes unseen.

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import type { Digest } from '../digest.js';
import { type FsEntry, type WalkFilter, walk } from '../fs/walk.js';

export interface IndexedEntry extends FsEntry {
  /** sha256 of the contents, for regular files. */
  sha256?: Digest;
}

export type ContextIndex = Map<string, IndexedEntry>;

const HASH_CONCURRENCY = 16;

export async function indexContext(
  root: string,
  filter?: WalkFilter,
  previous?: ReadonlyMap<string, IndexedEntry>,
): Promise<ContextIndex> {
  const entries = await walk(root, filter);
  const index: ContextIndex = new Map();
  const toHash: IndexedEntry[] = [];
  // The walk's entries are fresh objects: they become the index's entries as they are.
  for (const indexed of entries as IndexedEntry[]) {
    if (indexed.type === 'file') {
      const known = previous?.get(indexed.path);
      if (known?.sha256 && sameStat(known, indexed)) indexed.sha256 = known.sha256;
      else toHash.push(indexed);
    }
    index.set(indexed.path, indexed);
  }
  for (let i = 0; i < toHash.length; i += HASH_CONCURRENCY) {
    await Promise.all(
      toHash.slice(i, i + HASH_CONCURRENCY).map(async (entry) => {
        entry.sha256 = await hashFile(join(root, entry.path));
      }),
    );
  }
  return index;
}

function sameStat(a: FsEntry, b: FsEntry): boolean {
  return (
    a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino && a.mode === b.mode && a.type === b.type
  );
}

export async function hashFile(path: string): Promise<Digest> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}

export function indexToJSON(index: ContextIndex): IndexedEntry[] {
  return [...index.values()];
}

export function indexFromJSON(entries: readonly IndexedEntry[]): ContextIndex {
  return new Map(entries.map((entry) => [entry.path, entry]));
}

export interface ContextChanges {
  added: string[];
  modified: string[];
  deleted: string[];
}

/** What differs between two indexes, by type, mode, contents and link target (not mtime). */
export function compareIndexes(before: ContextIndex, after: ContextIndex): ContextChanges {
  const changes: ContextChanges = { added: [], modified: [], deleted: [] };
  for (const [path, entry] of after) {
    const old = before.get(path);
    if (!old) changes.added.push(path);
    else if (
      old.type !== entry.type ||
      old.mode !== entry.mode ||
      old.sha256 !== entry.sha256 ||
      old.linkTarget !== entry.linkTarget
    )
      changes.modified.push(path);
  }
  for (const path of before.keys()) if (!after.has(path)) changes.deleted.push(path);
  return changes;
}
