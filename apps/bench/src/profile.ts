// A benchmark profile (benchmarks/profiles/<name>.json): which cells to run and how often.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MethodName } from './methods.js';

export interface CellSpec {
  app: string;
  lines: number;
  trials: number;
  /** The scaling series' source size, for cells that belong to it. */
  sizeMb?: number;
}

export interface Profile {
  name: string;
  methods: MethodName[];
  /** Compare codeinject's image with a real BuildKit build by `codeinject diff` every N-th trial. */
  diffEvery: number;
  cells: CellSpec[];
}

interface ProfileFile {
  methods: MethodName[];
  diffEvery: number;
  matrix: Array<{ apps: string[]; lines: number[]; trials: number }>;
  scaling?: { sizesMb: number[]; trials: number };
}

export const PROFILES_DIR = join(import.meta.dirname, '..', '..', '..', 'benchmarks', 'profiles');

export async function loadProfile(name: string): Promise<Profile> {
  const text = await readFile(join(PROFILES_DIR, `${name}.json`), 'utf8').catch(() => {
    throw new Error(`unknown profile ${name} (see benchmarks/profiles/)`);
  });
  const file = JSON.parse(text) as ProfileFile;
  const cells: CellSpec[] = file.matrix.flatMap((row) =>
    row.apps.flatMap((app) => row.lines.map((lines) => ({ app, lines, trials: row.trials }))),
  );
  for (const sizeMb of file.scaling?.sizesMb ?? []) {
    cells.push({ app: `python-scale-${sizeMb}mb`, lines: 1, trials: file.scaling?.trials ?? 1, sizeMb });
  }
  return { name, methods: file.methods, diffEvery: file.diffEvery, cells };
}
