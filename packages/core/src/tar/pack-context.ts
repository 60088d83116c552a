// Packs walked context entries into a tar stream for the engine's build endpoint. Owners are
// written as 0:0 like the docker CLI does (cli/command/image/build.go: ChownOpts 0:0).
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import type { FsEntry } from '../fs/walk.js';

export function packContext(root: string, entries: readonly FsEntry[]): Readable {
  const pack = tar.pack();
  (async () => {
    for (const entry of entries) {
      const header = {
        name: entry.type === 'directory' ? `${entry.path}/` : entry.path,
        mode: entry.mode,
        mtime: new Date(Math.floor(entry.mtimeMs / 1000) * 1000),
        uid: 0,
        gid: 0,
        type: entry.type,
        size: entry.type === 'file' ? entry.size : 0,
        linkname: entry.linkTarget,
      } as const;
      if (entry.type === 'file') {
        await pipeline(createReadStream(join(root, entry.path)), pack.entry(header));
      } else {
        await new Promise<void>((resolve, reject) => pack.entry(header, (e) => (e ? reject(e) : resolve())));
      }
    }
    pack.finalize();
  })().catch((error: unknown) => pack.destroy(error as Error));
  // tar-stream 3 streams are streamx streams; callers (dockerode) expect a Node Readable.
  return Readable.from(pack);
}
