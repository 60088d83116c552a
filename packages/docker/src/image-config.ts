// Reading an image's exact config bytes. The Engine API only returns a re-rendered view, so:
// on a local classic store we can read the image DB file directly (O(1)); otherwise `docker save`
// is streamed until the config entry passes (its layers are skipped, not kept).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { EngineError, sha256 } from '@codeinject/core';
import tar from 'tar-stream';

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
  const wanted = `${imageId.replace(/^sha256:/, '')}.json`;
  const extract = tar.extract();
  let found: Buffer | undefined;
  await new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      const keep = header.name === wanted || header.name === `blobs/sha256/${wanted.slice(0, -5)}`;
      stream.on('data', (chunk) => keep && chunks.push(chunk as Buffer));
      stream.on('end', () => {
        if (keep) found = Buffer.concat(chunks);
        next();
      });
      stream.resume();
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
    saved.on('error', reject);
    saved.pipe(extract as unknown as NodeJS.WritableStream);
  });
  if (!found) throw new EngineError(`docker save of ${imageId} did not contain its config`);
  return found;
}
