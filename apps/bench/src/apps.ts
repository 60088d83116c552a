// The apps a benchmark cell builds: how to write each into a folder, and how to make a trial's
// edit of exactly N lines that changes what the program prints (so every trial can check that
// the new code is live).
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { javaComplex } from './java-complex.js';
import { seededRandom } from './random.js';

export interface BenchApp {
  name: string;
  /** Source size in MB, for the scaling series. */
  sizeMb?: number;
  /** Where the COPY puts the context's files in the image (for `docker cp`). */
  imageRoot: string;
  /** Compiled in the image: copying the edited source alone (the naive method) changes nothing. */
  compiled?: boolean;
  /**
   * Writes the app into `dir` (an empty folder). `runId` goes into the code where the app keeps
   * state a builder could cache: a first build must not reuse layers (and their old mtimes) from an
   * earlier run.
   */
  write(dir: string, runId?: string): Promise<void>;
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
    async write(dir, runId = '') {
      const random = seededRandom(sizeMb);
      await mkdir(join(dir, 'app', 'data'), { recursive: true });
      await writeFile(
        join(dir, 'Dockerfile'),
        'ARG BASE=codeinject-fixtures/python:3.11\nFROM ${BASE}\nWORKDIR /srv\nCOPY app/ ./app/\nCMD ["python3", "-m", "app"]\n',
      );
      await writeFile(join(dir, 'app', '__init__.py'), '');
      await writeFile(join(dir, 'app', 'marker.py'), `MARKER = "initial${runId}"\n`);
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

/**
 * A realistic service (issue 5): ≥50 MB of modules in a package, tests, static assets and a data
 * file, a dependency step before the code COPY, and `python -m compileall` after it.
 */
export function pythonComplex(): BenchApp {
  const core = pythonScale(50);
  return {
    ...core,
    name: 'python-complex',
    async write(dir, runId) {
      await core.write(dir, runId);
      const random = seededRandom(7);
      await writeFile(
        join(dir, 'Dockerfile'),
        [
          'ARG BASE=codeinject-fixtures/python:3.11',
          'FROM ${BASE}',
          'WORKDIR /srv',
          'COPY requirements.txt .',
          // Stands in for `pip install -r requirements.txt`: no package index is reachable here.
          'RUN mkdir -p vendor && cp requirements.txt vendor/installed.txt',
          'COPY app/ ./app/',
          'COPY static/ ./static/',
          'COPY data/ ./data/',
          'COPY tests/ ./tests/',
          'RUN python3 -m compileall -q app tests',
          'CMD ["python3", "-m", "app"]',
          '',
        ].join('\n'),
      );
      await writeFile(join(dir, 'requirements.txt'), 'flask==3.0.0\nrequests==2.31.0\n');
      await mkdir(join(dir, 'static', 'css'), { recursive: true });
      await mkdir(join(dir, 'static', 'js'), { recursive: true });
      await mkdir(join(dir, 'tests'), { recursive: true });
      await mkdir(join(dir, 'data'), { recursive: true });
      for (let i = 0; i < 20; i++) {
        await writeFile(
          join(dir, 'static', 'css', `page-${i}.css`),
          `.page-${i} { color: #${Math.floor(random() * 0xffffff)
            .toString(16)
            .padStart(6, '0')}; }\n`.repeat(200),
        );
        await writeFile(
          join(dir, 'static', 'js', `page-${i}.js`),
          `export const page${i} = ${Math.floor(random() * 1e6)};\n`.repeat(200),
        );
        await writeFile(
          join(dir, 'tests', `test_mod_${i}.py`),
          `from app.data import mod_${String(i).padStart(5, '0')} as m\n\ndef test_value():\n    assert m.VALUE_0\n`,
        );
      }
      const catalog = Array.from({ length: 20_000 }, (_, i) => ({
        id: i,
        name: `item-${i}`,
        price: Math.floor(random() * 10_000) / 100,
      }));
      await writeFile(join(dir, 'data', 'catalog.json'), JSON.stringify(catalog));
    },
  };
}

export function appByName(name: string): BenchApp {
  if (name === 'python-complex') return pythonComplex();
  if (name === 'python-hello') return pythonHello;
  if (name === 'java-hello') return javaHello;
  if (name === 'java-complex') return javaComplex();
  const scale = /^python-scale-(\d+)mb$/.exec(name);
  if (scale) return pythonScale(Number(scale[1]));
  throw new Error(
    `unknown app ${name} (known: python-hello, java-hello, python-complex, java-complex, python-scale-<N>mb)`,
  );
}
