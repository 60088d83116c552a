// Writes the patch layer: an uncompressed OCI layer tar (image-spec layer.md) with the planned
// entries and whiteouts (`.wh.<name>`), and returns its bytes with their digest (the diff_id).
// Parent directories are not written unless planned: the lower layers' directories keep their
// own metadata, as they do after a real COPY into an existing directory.
import { readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { type DigestedBytes, digested } from '../digest.js';
import { packToBuffer } from '../tar/pack-to-buffer.js';
import type { PatchPlan } from './image-files.js';

export async function writePatchLayer(plan: PatchPlan, contextDir: string): Promise<DigestedBytes> {
  const bytes = await packToBuffer(async (add) => {
    for (const path of plan.deletions) {
      const name = join(posix.dirname(path), `.wh.${posix.basename(path)}`).slice(1);
      await add(
        { name, mode: 0o644, uid: 0, gid: 0, mtime: new Date(0), type: 'file', size: 0 },
        Buffer.alloc(0),
      );
    }
    for (const [path, file] of plan.upserts) {
      const common = {
        mode: file.mode,
        uid: file.uid,
        gid: file.gid,
        mtime: new Date(Math.floor(file.mtimeMs / 1000) * 1000),
      };
      const name = path.slice(1);
      if (file.type === 'directory') await add({ ...common, name: `${name}/`, type: 'directory' });
      else if (file.type === 'symlink')
        await add({ ...common, name, type: 'symlink', linkname: file.linkTarget ?? '' });
      else {
        const body = file.content ?? (await readFile(join(contextDir, file.sourcePath)));
        await add({ ...common, name, type: 'file', size: body.length }, body);
      }
    }
  });
  return digested(bytes);
}
