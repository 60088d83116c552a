// A filesystem tar (e.g. `docker export`) read into a map of what equivalence compares: path,
// type, permission bits, owner, link target and content digest. mtimes are kept but not
// compared: COPY's cache key ignores them (BuildKit cache/contenthash), so equal builds differ there.
import type { Readable } from 'node:stream';
import { sha256 } from '../digest.js';
import { readTarEntries } from '../tar/read-tar.js';
import { isJarPath, jarEntries as readJarEntries } from './jar-entries.js';

export interface SnapshotEntry {
  type: string;
  mode: number;
  uid: number;
  gid: number;
  linkTarget?: string;
  sha256?: string;
  size: number;
  mtimeMs?: number;
  /** For a jar: each entry's digest by name (see jar-entries.ts). */
  jarEntries?: Map<string, string>;
}

export type FilesystemSnapshot = Map<string, SnapshotEntry>;

export async function snapshotFilesystem(stream: Readable): Promise<FilesystemSnapshot> {
  const snapshot: FilesystemSnapshot = new Map();
  const jars: Array<[SnapshotEntry, Buffer]> = [];
  await readTarEntries(stream, (header, body) => {
    const path = `/${header.name.replace(/^\.?\/+/, '').replace(/\/$/, '')}`;
    const entry: SnapshotEntry = {
      type: header.type ?? 'file',
      mode: (header.mode ?? 0) & 0o7777,
      uid: header.uid ?? 0,
      gid: header.gid ?? 0,
      size: body.length,
      mtimeMs: header.mtime?.getTime() ?? 0,
    };
    if (header.linkname) entry.linkTarget = header.linkname;
    if (entry.type === 'file') entry.sha256 = sha256(body);
    if (entry.type === 'file' && isJarPath(path)) jars.push([entry, body]);
    snapshot.set(path, entry);
  });
  for (const [entry, body] of jars) {
    const jarEntries = await readJarEntries(body);
    if (jarEntries) entry.jarEntries = jarEntries;
  }
  return snapshot;
}
