// Reads a tar stream entry by entry, each entry's body in one Buffer (entries of layers and
// exports are files of an image: small enough to hold one at a time).
import type { Readable } from 'node:stream';
import tar from 'tar-stream';

export type TarEntryHandler = (header: tar.Header, body: Buffer) => void;

/** `wants` picks the entries to hold; the others are drained without being kept (e.g. layers). */
export async function readTarEntries(
  stream: Readable,
  onEntry: TarEntryHandler,
  wants: (header: tar.Header) => boolean = () => true,
): Promise<void> {
  const extract = tar.extract();
  await new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, body, next) => {
      const chunks: Buffer[] = [];
      const keep = wants(header);
      body.on('data', (chunk) => keep && chunks.push(chunk as Buffer));
      body.on('end', () => {
        try {
          if (keep) onEntry(header, Buffer.concat(chunks));
          next();
        } catch (error) {
          reject(error);
        }
      });
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
    stream.on('error', reject);
    stream.pipe(extract as unknown as NodeJS.WritableStream);
  });
}
