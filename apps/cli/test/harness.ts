// Integration harness: a scratch build context, the real codeinject CLI (bin/codeinject, as a
// user runs it) and the real docker CLI for the reference build. Nothing here mocks the engine.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', 'bin', 'codeinject');
// Debian's client builds with the engine's BuildKit; a client without buildx cannot.
const DOCKER = existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class Scratch {
  readonly tags: string[] = [];
  private constructor(
    readonly dir: string,
    readonly stateDir: string,
    readonly name: string,
  ) {}

  static async create(name: string, files: Record<string, string>): Promise<Scratch> {
    const root = await mkdtemp(join(tmpdir(), `codeinject-it-${name}-`));
    const scratch = new Scratch(join(root, 'context'), join(root, 'state'), name);
    for (const [path, content] of Object.entries(files)) await scratch.write(path, content);
    return scratch;
  }

  tag(suffix: string): string {
    const tag = `codeinject-it/${this.name}:${suffix}`;
    this.tags.push(tag);
    return tag;
  }

  async write(path: string, content: string): Promise<void> {
    await mkdir(dirname(join(this.dir, path)), { recursive: true });
    await writeFile(join(this.dir, path), content);
  }

  remove(path: string): Promise<void> {
    return rm(join(this.dir, path), { recursive: true });
  }

  chmod(path: string, mode: number): Promise<void> {
    return chmod(join(this.dir, path), mode);
  }

  symlink(target: string, path: string): Promise<void> {
    return symlink(target, join(this.dir, path));
  }

  /** Runs bin/codeinject with this scratch's own state dir (an object argument adds env vars). */
  async cli(...args: Array<string | Record<string, string>>): Promise<CliResult> {
    const words = args.filter((arg): arg is string => typeof arg === 'string');
    const env = Object.assign({}, ...args.filter((arg) => typeof arg !== 'string'));
    try {
      const { stdout, stderr } = await run(process.execPath, [BIN, ...words], {
        cwd: this.dir,
        // Warm toolchains started by a test go away soon after the run.
        env: {
          ...process.env,
          CODEINJECT_STATE_DIR: this.stateDir,
          CODEINJECT_TOOLCHAIN_IDLE_SECONDS: '60',
          ...env,
        },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code?: number; stdout?: string; stderr?: string };
      return {
        code: typeof e.code === 'number' ? e.code : 1,
        stdout: e.stdout ?? '',
        stderr: e.stderr ?? '',
      };
    }
  }

  /** `codeinject build --json`, returning the parsed last line. */
  async build(
    tag: string,
    ...extra: string[]
  ): Promise<{
    mode: string;
    image: string;
    previous: string | null;
    reason: string;
    changes: Record<string, string[]>;
  }> {
    const result = await this.cli('build', '-t', tag, '--json', ...extra, '.');
    if (result.code !== 0) throw new Error(`codeinject build failed (${result.code}): ${result.stderr}`);
    return JSON.parse(result.stdout.trim().split('\n').pop() as string);
  }

  /** The reference: a real `docker build` (BuildKit unless told) of the same context. */
  async dockerBuild(tag: string, builder: 'buildkit' | 'legacy' = 'buildkit'): Promise<void> {
    await run(DOCKER, ['build', '-q', '-t', tag, this.dir], {
      env: { ...process.env, DOCKER_BUILDKIT: builder === 'buildkit' ? '1' : '0' },
    });
  }

  async labels(reference: string): Promise<Record<string, string>> {
    const { stdout } = await run(DOCKER, [
      'image',
      'inspect',
      '--format',
      '{{json .Config.Labels}}',
      reference,
    ]);
    return JSON.parse(stdout) ?? {};
  }

  async imageId(reference: string): Promise<string> {
    const { stdout } = await run(DOCKER, ['image', 'inspect', '--format', '{{.Id}}', reference]);
    return stdout.trim();
  }

  async runImage(image: string): Promise<string> {
    const { stdout } = await run(DOCKER, ['run', '--rm', '--network', 'none', image]);
    return stdout;
  }

  async cleanup(): Promise<void> {
    for (const tag of this.tags) {
      await run(DOCKER, ['rmi', '-f', tag, `${tag}-codeinject-base`]).catch(() => undefined);
    }
    await rm(dirname(this.dir), { recursive: true, force: true });
  }
}

/** A small Python app whose output lists every file it ships, with mode, owner and digest. */
export const LISTING_APP: Record<string, string> = {
  Dockerfile: [
    'ARG BASE=codeinject-fixtures/python:3.11',
    'FROM ${BASE}',
    'WORKDIR /app',
    'COPY --chown=1000:1000 config/ /etc/app/',
    'COPY src/ ./src/',
    'COPY main.py .',
    'CMD ["python3", "main.py"]',
    '',
  ].join('\n'),
  '.dockerignore': '*.log\nnotes/\n',
  'main.py': [
    'import hashlib, os',
    'for root in ("/app", "/etc/app"):',
    '    for d, dirs, files in sorted(os.walk(root)):',
    '        dirs.sort()',
    '        for name in sorted(files + dirs):',
    '            p = os.path.join(d, name)',
    '            st = os.lstat(p)',
    '            kind = "l:" + os.readlink(p) if os.path.islink(p) else ("d" if os.path.isdir(p) else hashlib.sha256(open(p, "rb").read()).hexdigest()[:12])',
    '            print(p, oct(st.st_mode & 0o7777), st.st_uid, kind)',
    '',
  ].join('\n'),
  'src/util.py': 'VALUE = 1\n',
  'src/pkg/__init__.py': '',
  'config/app.conf': 'debug = false\n',
  'README.md': 'not copied\n',
};
