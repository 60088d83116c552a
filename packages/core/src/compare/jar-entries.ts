// Jars compared by their entries: two builds of the same classes write the same names and bytes,
// but zip headers carry each entry's time of writing, so the archives' own bytes differ.
import { unzipSync } from 'fflate';
import { sha256 } from '../digest.js';

const ARCHIVE = /\.(jar|war|ear)$/;

export function isJarPath(path: string): boolean {
  return ARCHIVE.test(path);
}

/** A digest of the entries (names and uncompressed contents), or undefined when not a valid zip. */
export function jarEntriesDigest(bytes: Buffer): string | undefined {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length));
  } catch {
    return undefined;
  }
  const listing = Object.keys(entries)
    .sort()
    .map((name) => `${name}\0${sha256(Buffer.from(entries[name] as Uint8Array))}`)
    .join('\n');
  return sha256(Buffer.from(listing));
}
