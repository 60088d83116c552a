// Builds a whole tar in memory with tar-stream; for patch layers and load archives, whose size
// follows the edit. Entries are written one at a time, in the order `write` adds them.
import tar from 'tar-stream';

export type AddEntry = (header: Partial<tar.Header> & { name: string }, body?: Buffer) => Promise<void>;

export async function packToBuffer(write: (add: AddEntry) => Promise<void>): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (chunk) => chunks.push(chunk as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  const add: AddEntry = (header, body) =>
    new Promise<void>((resolve, reject) => {
      const callback = (error?: Error | null) => (error ? reject(error) : resolve());
      if (body === undefined) pack.entry(header as tar.Header, callback);
      else pack.entry(header as tar.Header, body, callback);
    });
  await write(add);
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}
