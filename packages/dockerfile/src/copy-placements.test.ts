import {
  type ContextIndex,
  compareIndexes,
  type ImageFiles,
  type IndexedEntry,
  planPatch,
  sha256,
} from '@codeinject/core';
import { describe, expect, it } from 'vitest';
import type { CopyInstruction } from './build-graph.js';
import { placeAll, resolveCopy } from './copy-mapping.js';
import { placeCopies } from './copy-placements.js';
import { parseDockerfile } from './parse-dockerfile.js';

// COPYs that overlap on purpose: later ones overwrite earlier ones' paths, a single file is
// copied to a directory and to a file path, a wildcard and the whole context are taken.
const DOCKERFILE = `FROM base
WORKDIR /app
COPY . ./
COPY src/ ./src/
COPY src/ ./lib/
COPY a.txt ./src/a.py
COPY *.txt ./notes/
COPY src/pkg/ ./
COPY src/pkg/ src/ ./multi/
`;

const PATHS = [
  'a.txt',
  'b.txt',
  'src',
  'src/a.py',
  'src/b.py',
  'src/pkg',
  'src/pkg/c.py',
  'src/pkg/a.py',
  'c.txt',
];

/** A small deterministic generator (mulberry32), so a failure names a seed that reproduces it. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function entry(path: string, content?: string, mode?: number): IndexedEntry {
  const file = content !== undefined;
  return {
    path,
    type: file ? 'file' : 'directory',
    mode: mode ?? (file ? 0o644 : 0o755),
    size: content?.length ?? 0,
    mtimeMs: 1,
    ino: 1,
    ...(file ? { sha256: sha256(content) } : {}),
  };
}

function baseIndex(): ContextIndex {
  const dirs = new Set(['src', 'src/pkg']);
  return new Map(PATHS.map((p) => [p, dirs.has(p) ? entry(p) : entry(p, `${p} v0`)]));
}

/** Edits that keep every COPY source resolvable: modify, chmod, add, delete. */
function edited(index: ContextIndex, next: () => number, round: number): ContextIndex {
  const out = new Map(index);
  const files = [...out.values()].filter((e) => e.type === 'file');
  for (let k = 0; k < 1 + Math.floor(next() * 3); k++) {
    const pick = files[Math.floor(next() * files.length)] as IndexedEntry;
    const kind = Math.floor(next() * 4);
    if (kind === 0) out.set(pick.path, entry(pick.path, `${pick.path} v${round}-${k}`));
    else if (kind === 1) out.set(pick.path, { ...pick, mode: 0o755 });
    else if (kind === 2) out.set(`src/new${round}${k}.py`, entry(`src/new${round}${k}.py`, 'new'));
    else if (pick.path !== 'a.txt') out.delete(pick.path);
  }
  return out;
}

function targetFiles(copies: CopyInstruction[], files: Map<CopyInstruction, ImageFiles>): ImageFiles {
  const all: ImageFiles = new Map();
  for (const copy of copies) for (const [path, file] of files.get(copy) ?? []) all.set(path, file);
  return all;
}

describe('placeCopies', () => {
  const stage = parseDockerfile(DOCKERFILE).target;
  const copies = stage.instructions.filter((i): i is CopyInstruction => i.kind === 'copy');
  const dirs = new Set(['/', '/app']);

  it('gives the patch the full mapping gives, for random edits over overlapping COPYs', () => {
    let narrowedRuns = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const next = random(seed);
      const before = baseIndex();
      const after = edited(before, next, seed);
      const resolved = copies.map((copy) => ({
        copy,
        before: resolveCopy(copy, before, dirs),
        after: resolveCopy(copy, after, dirs),
      }));
      const narrowed = placeCopies(resolved, before, after, compareIndexes(before, after));
      const full = {
        before: new Map<CopyInstruction, ImageFiles>(),
        after: new Map<CopyInstruction, ImageFiles>(),
      };
      for (const r of resolved) {
        full.before.set(r.copy, new Map());
        full.after.set(r.copy, new Map());
        placeAll(r.before, before, full.before.get(r.copy) as ImageFiles);
        placeAll(r.after, after, full.after.get(r.copy) as ImageFiles);
      }
      const pick = (when: 'before' | 'after') =>
        new Map(copies.map((c) => [c, narrowed.get(c)?.[when] ?? new Map()]));
      const expected = planPatch(targetFiles(copies, full.before), targetFiles(copies, full.after));
      const actual = planPatch(targetFiles(copies, pick('before')), targetFiles(copies, pick('after')));
      expect({ seed, ...actual }).toEqual({ seed, ...expected });
      if ([...narrowed.values()].every((p) => p.narrowed)) narrowedRuns++;
    }
    // Deleting a .txt changes what the wildcard takes, which maps everything; the rest narrow.
    expect(narrowedRuns).toBeGreaterThan(100);
  });

  it('maps everything when a source resolves differently (a wildcard gained a match)', () => {
    const before = baseIndex();
    const after = new Map(before).set('d.txt', entry('d.txt', 'd'));
    const resolved = copies.map((copy) => ({
      copy,
      before: resolveCopy(copy, before, dirs),
      after: resolveCopy(copy, after, dirs),
    }));
    const placements = placeCopies(resolved, before, after, compareIndexes(before, after));
    const wildcard = copies[4] as CopyInstruction;
    expect(placements.get(wildcard)?.narrowed).toBe(false);
    expect([...(placements.get(wildcard)?.after.keys() ?? [])]).toEqual([
      '/app/notes/a.txt',
      '/app/notes/b.txt',
      '/app/notes/c.txt',
      '/app/notes/d.txt',
    ]);
  });
});
