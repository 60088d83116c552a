// A filesystem tar (e.g. `docker export`) read into a map of what equivalence compares: path,
// type, permission bits, owner, link target and content digest. mtimes are left out on purpose:
// COPY's cache key ignores them (BuildKit cache/contenthash), so two equal builds differ there.
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import tar from 'tar-stream';

export interface SnapshotEntry {
  type: string;
  mode: number;
  uid: number;
  gid: number;
  linkTarget?: string;
  sha256?: string;
  size: number;
  /** Kept for callers that need it; equivalence does not compare it. */
  mtimeMs?: number;
}

export type FilesystemSnapshot = Map<string, SnapshotEntry>;

export async function snapshotFilesystem(stream: Readable): Promise<FilesystemSnapshot> {
  const snapshot: FilesystemSnapshot = new Map();
  const extract = tar.extract();
  await new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, body, next) => {
      const hash = createHash('sha256');
      let size = 0;
      body.on('data', (chunk) => {
        hash.update(chunk as Buffer);
        size += (chunk as Buffer).length;
      });
      body.on('end', () => {
        const path = `/${header.name.replace(/^\.?\/+/, '').replace(/\/$/, '')}`;
        const entry: SnapshotEntry = {
          type: header.type ?? 'file',
          mode: (header.mode ?? 0) & 0o7777,
          uid: header.uid ?? 0,
          gid: header.gid ?? 0,
          size,
          mtimeMs: header.mtime?.getTime() ?? 0,
        };
        if (header.linkname) entry.linkTarget = header.linkname;
        if (entry.type === 'file') entry.sha256 = `sha256:${hash.digest('hex')}`;
        snapshot.set(path, entry);
        next();
      });
      body.resume();
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
    stream.on('error', reject);
    stream.pipe(extract as unknown as NodeJS.WritableStream);
  });
  return snapshot;
}
