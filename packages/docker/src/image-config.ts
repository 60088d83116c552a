// Reading an image's exact config bytes. The Engine API only returns a re-rendered view, so:
// on a local classic store we can read the image DB file directly (O(1)); otherwise `docker save`
// is streamed through, keeping only the config entry (its layers are drained, not kept).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { EngineError, readTarEntries, sha256 } from '@codeinject/core';

export async function readConfigFromImageDb(
  rootDir: string,
  driver: string,
  imageId: string,
): Promise<Buffer | undefined> {
  const hex = imageId.replace(/^sha256:/, '');
  const bytes = await readFile(join(rootDir, 'image', driver, 'imagedb', 'content', 'sha256', hex)).catch(
    () => undefined,
  );
  return bytes && sha256(bytes) === imageId ? bytes : undefined;
}

export async function readConfigFromSave(saved: Readable, imageId: string): Promise<Buffer> {
  const hex = imageId.replace(/^sha256:/, '');
  let found: Buffer | undefined;
  // docker-archive names it <hex>.json; an OCI layout keeps it as a blob.
  const names = new Set([`${hex}.json`, `blobs/sha256/${hex}`]);
  await readTarEntries(
    saved,
    (_header, body) => {
      found = body;
    },
    (header) => names.has(header.name),
  );
  if (!found) throw new EngineError(`docker save of ${imageId} did not contain its config`);
  return found;
}
