// Jars compared by their entries: two builds of the same classes write the same names and bytes,
// but zip headers carry each entry's time of writing, so the archives' own bytes differ.
import { sha256 } from '../digest.js';

// fflate is loaded on the first jar: its tables cost every start-up of the CLI otherwise, and
// only `codeinject diff` of images holding jars needs it.
let fflate: Promise<typeof import('fflate')> | undefined;

const ARCHIVE = /\.(jar|war|ear)$/;

export function isJarPath(path: string): boolean {
  return ARCHIVE.test(path);
}

/** Each entry's digest by name (uncompressed contents), or undefined when not a valid zip. */
export async function jarEntries(bytes: Buffer): Promise<Map<string, string> | undefined> {
  fflate ??= import('fflate');
  const { unzipSync } = await fflate;
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length));
  } catch {
    return undefined;
  }
  return new Map(
    Object.keys(entries)
      .sort()
      .map((name) => [name, sha256(Buffer.from(entries[name] as Uint8Array))]),
  );
}

/** A digest of the entries (names and uncompressed contents), or undefined when not a valid zip. */
export async function jarEntriesDigest(bytes: Buffer): Promise<string | undefined> {
  const entries = await jarEntries(bytes);
  if (!entries) return undefined;
  return sha256(Buffer.from([...entries].map(([name, digest]) => `${name}\0${digest}`).join('\n')));
}

/** The entry names where two jars differ (changed, or only in one), for the diff's listing. */
export function differingEntries(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): string[] {
  const names = new Set([...a.keys(), ...b.keys()]);
  return [...names].filter((name) => a.get(name) !== b.get(name)).sort();
}
