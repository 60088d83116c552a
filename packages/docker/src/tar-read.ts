// The contents of the first regular file in a tar stream (the archive endpoint's answer for one path).
import type { Readable } from 'node:stream';
import { readTarEntries } from '@codeinject/core';

export async function firstFileOfTar(stream: Readable): Promise<Buffer | undefined> {
  let found: Buffer | undefined;
  await readTarEntries(stream, (header, body) => {
    if (!found && header.type === 'file') found = body;
  });
  return found;
}
