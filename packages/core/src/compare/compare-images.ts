// Equivalence of two images as `codeinject diff` states it: the same filesystem (paths, types,
// modes, owners, link targets, contents) and the same runtime config fields that `docker run`
// uses. Returns every difference, so a failure lists what differs rather than a boolean.
import type { RuntimeConfig } from '../oci/types.js';
import type { FilesystemSnapshot, SnapshotEntry } from './filesystem-snapshot.js';
import { differingEntries } from './jar-entries.js';

export const RUNTIME_FIELDS = ['Cmd', 'Entrypoint', 'Env', 'WorkingDir', 'User', 'ExposedPorts'] as const;

export interface Difference {
  path: string;
  kind: 'only-in-a' | 'only-in-b' | 'type' | 'mode' | 'owner' | 'link' | 'content' | 'entries' | 'config';
  a?: string;
  b?: string;
}

export function compareFilesystems(a: FilesystemSnapshot, b: FilesystemSnapshot): Difference[] {
  const differences: Difference[] = [];
  for (const [path, left] of a) {
    const right = b.get(path);
    if (!right) differences.push({ path, kind: 'only-in-a', a: left.type });
    else differences.push(...compareEntries(path, left, right));
  }
  for (const [path, right] of b)
    if (!a.has(path)) differences.push({ path, kind: 'only-in-b', b: right.type });
  return differences.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
}

function compareEntries(path: string, a: SnapshotEntry, b: SnapshotEntry): Difference[] {
  if (a.type !== b.type) return [{ path, kind: 'type', a: a.type, b: b.type }];
  const out: Difference[] = [];
  if (a.mode !== b.mode) out.push({ path, kind: 'mode', a: a.mode.toString(8), b: b.mode.toString(8) });
  if (a.uid !== b.uid || a.gid !== b.gid)
    out.push({ path, kind: 'owner', a: `${a.uid}:${a.gid}`, b: `${b.uid}:${b.gid}` });
  if (a.linkTarget !== b.linkTarget)
    out.push({ path, kind: 'link', a: a.linkTarget ?? '', b: b.linkTarget ?? '' });
  if (a.sha256 === b.sha256) return out;
  if (a.jarEntries && b.jarEntries) {
    // Jars: equal when their entries are (zip timestamps differ between any two builds).
    const entries = differingEntries(a.jarEntries, b.jarEntries);
    if (entries.length > 0)
      out.push({
        path,
        kind: 'entries',
        a: `${entries.length} entr${entries.length === 1 ? 'y differs' : 'ies differ'}:`,
        b: `${entries.slice(0, 5).join(', ')}${entries.length > 5 ? ', …' : ''}`,
      });
  } else {
    out.push({ path, kind: 'content', a: a.sha256 ?? '', b: b.sha256 ?? '' });
  }
  return out;
}

/** Jars whose bytes differ but whose entries are equal: the diff says it compared them so. */
export function jarsComparedByEntries(a: FilesystemSnapshot, b: FilesystemSnapshot): string[] {
  const paths: string[] = [];
  for (const [path, left] of a) {
    const right = b.get(path);
    if (left.jarEntries && right?.jarEntries && left.sha256 !== right.sha256) paths.push(path);
  }
  return paths.sort();
}

export function compareRuntimeConfigs(
  a: RuntimeConfig | undefined,
  b: RuntimeConfig | undefined,
): Difference[] {
  const out: Difference[] = [];
  for (const field of RUNTIME_FIELDS) {
    const left = JSON.stringify(normalize(a?.[field]));
    const right = JSON.stringify(normalize(b?.[field]));
    if (left !== right) out.push({ path: `config.${field}`, kind: 'config', a: left, b: right });
  }
  return out;
}

/** null, "" and {} all mean "not set" to the engine. */
function normalize(value: unknown): unknown {
  if (value === null || value === undefined || value === '') return undefined;
  if (typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : 1));
    return entries.length === 0 ? undefined : Object.fromEntries(entries);
  }
  return value;
}
