// The apps a benchmark cell builds: how to write each into a folder, and how to make a trial's
// edit of exactly N lines that changes what the program prints (so every trial can check that
// the new code is live).
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { seededRandom } from './random.js';

export interface BenchApp {
  name: string;
  /** Source size in MB, for the scaling series. */
  sizeMb?: number;
  /** Where the COPY puts the context's files in the image (for `docker cp`). */
  imageRoot: string;
  /** Compiled in the image: copying the edited source alone (the naive method) changes nothing. */
  compiled?: boolean;
  /** Writes the app into `dir` (an empty folder). */
  write(dir: string): Promise<void>;
  /** Edits exactly `lines` lines; returns the paths edited and the marker the program must print. */
  edit(dir: string, lines: number, marker: string): Promise<string[]>;
}

export const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'fixtures');

export const javaHello: BenchApp = {
  name: 'java-hello',
  imageRoot: '/app',
  compiled: true,
  write: (dir) => cp(join(FIXTURES, 'java-hello'), dir, { recursive: true }),
  async edit(dir, lines, marker) {
    if (lines !== 1) throw new Error('java-hello is a one-line app: only 1-line edits');
    const path = join(dir, 'Main.java');
    const text = await readFile(path, 'utf8');
    await writeFile(
      path,
      text.replace(/System\.out\.println\(".*"\);/, `System.out.println("hello from java-hello ${marker}");`),
    );
    return ['Main.java'];
  },
};

export const pythonHello: BenchApp = {
  name: 'python-hello',
  imageRoot: '/app',
  write: (dir) => cp(join(FIXTURES, 'python-hello'), dir, { recursive: true }),
  async edit(dir, lines, marker) {
    if (lines !== 1) throw new Error('python-hello is a one-line app: only 1-line edits');
    await writeFile(join(dir, 'app.py'), `print("hello from python-hello ${marker}")\n`);
    return ['app.py'];
  },
};

// A module is ~90 KB of data lines, so 2,000 modules make the 180 MB app of the design notes.
const MODULE_BYTES = 90 * 1024;
const LINE_BYTES = 64;

/** A generated Python service of `sizeMb` MB: a package of data modules and one marker module. */
export function pythonScale(sizeMb: number): BenchApp {
  const modules = Math.max(1, Math.round((sizeMb * 1024 * 1024) / MODULE_BYTES));
  return {
    name: `python-scale-${sizeMb}mb`,
    sizeMb,
    imageRoot: '/srv',
    async write(dir) {
      const random = seededRandom(sizeMb);
      await mkdir(join(dir, 'app', 'data'), { recursive: true });
      await writeFile(
        join(dir, 'Dockerfile'),
        'ARG BASE=codeinject-fixtures/python:3.11\nFROM ${BASE}\nWORKDIR /srv\nCOPY app/ ./app/\nCMD ["python3", "-m", "app"]\n',
      );
      await writeFile(join(dir, 'app', '__init__.py'), '');
      await writeFile(join(dir, 'app', 'marker.py'), 'MARKER = "initial"\n');
      await writeFile(
        join(dir, 'app', '__main__.py'),
        'from app.marker import MARKER\nprint("scale app", MARKER)\n',
      );
      await writeFile(join(dir, 'app', 'data', '__init__.py'), '');
      const perModule = Math.floor(MODULE_BYTES / LINE_BYTES);
      for (let m = 0; m < modules; m++) {
        const lines: string[] = [];
        for (let l = 0; l < perModule; l++) {
          const value = Math.floor(random() * 1e12).toString(36);
          lines.push(`VALUE_${l} = "${value.padEnd(LINE_BYTES - 16 - String(l).length, 'x')}"`);
        }
        await writeFile(
          join(dir, 'app', 'data', `mod_${String(m).padStart(5, '0')}.py`),
          `${lines.join('\n')}\n`,
        );
      }
    },
    async edit(dir, lines, marker) {
      const edited = ['app/marker.py'];
      await writeFile(join(dir, 'app', 'marker.py'), `MARKER = "${marker}"\n`);
      // The other N-1 lines: data lines spread over the modules, one module in each step.
      const step = Math.max(1, Math.floor(modules / Math.max(1, lines - 1)));
      for (let i = 0; i < lines - 1; i++) {
        const module = join('app', 'data', `mod_${String((i * step) % modules).padStart(5, '0')}.py`);
        const path = join(dir, module);
        const text = (await readFile(path, 'utf8')).split('\n');
        const at = Math.floor(i / modules) % (text.length - 1);
        text[at] = `VALUE_${at} = "${marker}-${i}"`;
        await writeFile(path, text.join('\n'));
        if (!edited.includes(module)) edited.push(module);
      }
      return edited;
    },
  };
}

export function appByName(name: string): BenchApp {
  if (name === 'python-hello') return pythonHello;
  if (name === 'java-hello') return javaHello;
  const scale = /^python-scale-(\d+)mb$/.exec(name);
  if (scale) return pythonScale(Number(scale[1]));
  throw new Error(`unknown app ${name} (known: python-hello, java-hello, python-scale-<N>mb)`);
}
