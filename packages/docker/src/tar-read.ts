// The contents of the first regular file in a tar stream (the archive endpoint's answer for one path).
import type { Readable } from 'node:stream';
import tar from 'tar-stream';

export async function firstFileOfTar(stream: Readable): Promise<Buffer | undefined> {
  const extract = tar.extract();
  let found: Buffer | undefined;
  await new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, body, next) => {
      const chunks: Buffer[] = [];
      body.on('data', (chunk) => chunks.push(chunk as Buffer));
      body.on('end', () => {
        if (!found && header.type === 'file') found = Buffer.concat(chunks);
        next();
      });
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
    stream.on('error', reject);
    stream.pipe(extract as unknown as NodeJS.WritableStream);
  });
  return found;
}
