// Compiled and derived files (issue 4): a RUN after the changed COPY (javac, compileall) is
// replayed on the edit with the image's own toolchain, and the result must equal docker build.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { Scratch } from './harness.js';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'fixtures');
let scratch: Scratch;
afterEach(async () => scratch?.cleanup());

/** `unique` adds a class (module) of its own: no earlier build (or warm toolchain) has the same image. */
async function fromFixture(name: string, unique = false) {
  scratch = await Scratch.create(name, {});
  await cp(join(FIXTURES, name), scratch.dir, { recursive: true });
  if (unique && name.startsWith('python'))
    await scratch.write('app/build_id.py', `BUILD = "${randomUUID()}"\n`);
  else if (unique)
    await scratch.write('src/app/BuildId.java', `package app;\n\nclass BuildId { /* ${randomUUID()} */ }\n`);
  const tag = scratch.tag('dev');
  const first = await scratch.build(tag);
  expect(first.mode).toBe('build');
  return { tag, first, before: await scratch.runImage(tag) };
}

async function expectEquivalentToRebuild(tag: string): Promise<string> {
  const reference = scratch.tag(`reference-${Date.now()}`);
  await scratch.dockerBuild(reference);
  const diff = await scratch.cli('diff', tag, reference);
  expect(diff.stdout).toContain('equivalent');
  const printed = await scratch.runImage(tag);
  expect(printed).toBe(await scratch.runImage(reference));
  return printed;
}

async function edit(path: string, from: string, to: string): Promise<void> {
  const text = await readFile(join(scratch.dir, path), 'utf8');
  expect(text).toContain(from);
  await scratch.write(path, text.replace(from, to));
}

describe('replaying javac', () => {
  it('java-hello: a one-line edit is compiled in the image and injected', async () => {
    const { tag, first, before } = await fromFixture('java-hello');
    await edit('Main.java', 'java-hello v1', 'java-hello v2');
    const second = await scratch.build(tag);
    expect(second.mode).toBe('inject');
    expect(second.reason).toContain('RUN at line 7 is replayed');
    expect(await expectEquivalentToRebuild(tag)).toBe('hello from java-hello v2\n');
    expect(await scratch.runImage(first.image)).toBe(before);
  });

  it.each([
    ['an int constant inlined by another class', 'src/app/Config.java', 'LIMIT = 3', 'LIMIT = 9', 'limit=9'],
    ['a String constant', 'src/app/Config.java', '"hello"', '"howdy"', 'howdy from java-multi'],
  ])('java-multi: %s', async (_what, path, from, to, prints) => {
    const { tag } = await fromFixture('java-multi');
    await edit(path, from, to);
    expect((await scratch.build(tag)).mode).toBe('inject');
    expect(await expectEquivalentToRebuild(tag)).toContain(prints);
  });

  it('java-multi: an added class and a changed method signature with its callers', async () => {
    const { tag } = await fromFixture('java-multi');
    await scratch.write(
      'src/app/util/Shout.java',
      'package app.util;\n\npublic final class Shout {\n    private Shout() {}\n\n    public static String loud(String text) {\n        return text.toUpperCase();\n    }\n}\n',
    );
    await edit(
      'src/app/util/Greeter.java',
      'greet(String greeting, String name) {\n        return greeting',
      'greet(String greeting, String name, boolean loud) {\n        return (loud ? Shout.loud(greeting) : greeting)',
    );
    await edit(
      'src/app/Main.java',
      'Greeter.greet(Config.GREETING, "java-multi")',
      'Greeter.greet(Config.GREETING, "java-multi", true)',
    );
    const second = await scratch.build(tag);
    expect(second).toMatchObject({ mode: 'inject', changes: { added: ['src/app/util/Shout.java'] } });
    expect(await expectEquivalentToRebuild(tag)).toBe('HELLO from java-multi limit=3\n');
  });
});

/** `codeinject build --json` with its trace (stderr). */
async function traced(tag: string, env: Record<string, string> = {}) {
  const result = await scratch.cli('build', '-t', tag, '--json', '.', { CODEINJECT_TRACE: '1', ...env });
  expect(result.code).toBe(0);
  return { ...JSON.parse(result.stdout.trim().split('\n').pop() as string), trace: result.stderr };
}

describe('the warm toolchain', () => {
  it('is reused by the next injection, which starts from the image again (an added class is gone)', async () => {
    const { tag } = await fromFixture('java-multi');
    const greeter = await readFile(join(scratch.dir, 'src/app/util/Greeter.java'), 'utf8');
    await scratch.write('src/app/util/Shout.java', 'package app.util;\n\npublic final class Shout {}\n');
    await edit('src/app/util/Greeter.java', 'return greeting', 'return new Shout() == null ? "" : greeting');
    const first = await traced(tag);
    expect(first.mode).toBe('inject');
    // Started now, or by an earlier test whose first build made the same image.
    expect(first.trace).toMatch(/toolchain: (started|warm) container answered/);
    expect(await expectEquivalentToRebuild(tag)).toBe('hello from java-multi limit=3\n');

    await scratch.remove('src/app/util/Shout.java');
    await scratch.write('src/app/util/Greeter.java', greeter);
    await edit('src/app/Config.java', 'LIMIT = 3', 'LIMIT = 4');
    const second = await traced(tag);
    expect(second.mode).toBe('inject');
    expect(second.trace).toContain('toolchain: warm container answered');
    expect(await expectEquivalentToRebuild(tag)).toBe('hello from java-multi limit=4\n');
  });

  it('stops after its idle time, and the next start removes the image it ran on', async () => {
    const { tag } = await fromFixture('java-jar', true);
    await edit('src/app/Main.java', '" v1"', '" v2"');
    const first = await traced(tag, { CODEINJECT_TOOLCHAIN_IDLE_SECONDS: '2' });
    expect(first.trace).toContain('toolchain: started container answered');
    const below = /toolchain: \w+ container answered \(image (sha256:\w+)\)/.exec(first.trace)?.[1] as string;
    expect(below).toMatch(/^sha256:/);
    const stopped = async () =>
      (await docker('ps', '-q', '--filter', `label=io.codeinject.toolchain=${below}`)) === '';
    await waitFor(stopped);
    // The address it answered at is remembered: now nothing answers there, and a new one starts.
    await edit('src/app/Main.java', '" v2"', '" v2b"');
    const restarted = await traced(tag, { CODEINJECT_TOOLCHAIN_IDLE_SECONDS: '2' });
    expect(restarted.trace).toContain('toolchain: started container answered');
    expect(await scratch.runImage(tag)).toBe('java-jar: 3 x 7 = 21 v2b\n');
    await waitFor(stopped);
    // A Dockerfile edit: a real build, so the next injection needs a toolchain on another image.
    await scratch.write(
      'Dockerfile',
      `${await readFile(join(scratch.dir, 'Dockerfile'), 'utf8')}LABEL stage=two\n`,
    );
    expect((await scratch.build(tag)).mode).toBe('build');
    await edit('src/app/Main.java', '" v2b"', '" v3"');
    const second = await traced(tag);
    expect(second.trace).toContain('toolchain: started container answered');
    expect(second.trace).not.toContain(below);
    expect(await docker('image', 'inspect', below).catch(() => 'gone')).toBe('gone');
    expect(await scratch.runImage(tag)).toBe('java-jar: 3 x 7 = 21 v3\n');
  });

  it('toolchain ls lists it and toolchain stop stops it; the next injection starts another', async () => {
    const { tag } = await fromFixture('java-jar', true);
    await edit('src/app/Main.java', '" v1"', '" v2"');
    const first = await traced(tag);
    const below = /toolchain: \w+ container answered \(image (sha256:\w+)\)/.exec(first.trace)?.[1] as string;
    const listed = JSON.parse(
      (await scratch.cli('toolchain', 'ls', '--json')).stdout.trim().split('\n').pop() as string,
    );
    expect(listed).toContainEqual(
      expect.objectContaining({ image: below, workdir: '/app', state: 'running' }),
    );

    const unknown = await scratch.cli('toolchain', 'stop', 'deadbeefcafe');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim()).toBe(
      'codeinject: no warm toolchain matches deadbeefcafe (see codeinject toolchain ls)',
    );
    // Only this test's toolchain: others on the engine (a user's, a running bench's) keep running.
    expect((await scratch.cli('toolchain', 'stop', below.slice(7, 19))).stdout).toMatch(
      /^stopped 1 toolchain\(s\)/,
    );
    expect(await docker('ps', '-q', '--filter', `label=io.codeinject.toolchain=${below}`)).toBe('');
    expect(await docker('image', 'inspect', below).catch(() => 'gone')).toBe('gone');

    await edit('src/app/Main.java', '" v2"', '" v3"');
    expect((await traced(tag)).trace).toContain('toolchain: started container answered');
    expect(await scratch.runImage(tag)).toBe('java-jar: 3 x 7 = 21 v3\n');
  });

  it('java-jar: javac of a find list and jar are replayed; the jar equals a rebuild entry by entry', async () => {
    const { tag, first, before } = await fromFixture('java-jar');
    await edit('src/app/model/Order.java', 'UNIT_PRICE = 7', 'UNIT_PRICE = 8');
    const plan = await scratch.cli('plan', '-t', tag, '.');
    expect(plan.stdout).toMatch(/6 {2}yes {4}changed {3}COPY src\/ \.\/src\//);
    expect(plan.stdout).toMatch(/7 {2}yes {4}replayed {2}RUN javac -d classes/);
    expect((await scratch.build(tag)).mode).toBe('inject');
    // Zip entry times have 2-second steps: a rebuild within 2 s of the replay can write the very
    // same bytes, and then there is nothing to compare by entries. Seen on a fast machine.
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const reference = scratch.tag('reference');
    await scratch.dockerBuild(reference);
    const diff = await scratch.cli('diff', tag, reference);
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain('compared by entries');
    expect(diff.stdout).toContain('/app/app.jar');
    expect(await scratch.runImage(tag)).toBe('java-jar: 3 x 8 = 24 v1\n');
    expect(await scratch.runImage(first.image)).toBe(before);
  });

  it('turned off, the RUN is replayed in a fresh container with the same result', async () => {
    const { tag } = await fromFixture('java-jar');
    await edit('src/app/Main.java', '" v1"', '" v2"');
    const result = await traced(tag, { CODEINJECT_WARM_TOOLCHAIN: '0' });
    expect(result.mode).toBe('inject');
    expect(result.trace).not.toContain('toolchain:');
    expect(await scratch.cli('diff', tag, await rebuilt())).toMatchObject({ code: 0 });
    expect(await scratch.runImage(tag)).toBe('java-jar: 3 x 7 = 21 v2\n');
  });
});

async function docker(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)('docker', args);
  return stdout.trim();
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function rebuilt(): Promise<string> {
  const reference = scratch.tag(`reference-${Date.now()}`);
  await scratch.dockerBuild(reference);
  return reference;
}

describe('replaying compileall', () => {
  it('regenerates the .pyc of an edited module, equal to a rebuild', async () => {
    const { tag } = await fromFixture('python-compileall');
    // Timestamp .pyc files embed the source's mtime, and BuildKit's cache key ignores mtimes: an
    // edit seen in an earlier run would give the reference a cached, older .pyc. A fresh edit each run.
    const version = `v2-${Date.now()}`;
    await edit('app/greeting.py', 'v1', version);
    expect((await scratch.build(tag)).mode).toBe('inject');
    expect(await expectEquivalentToRebuild(tag)).toBe(`hello from python-compileall ${version}\n`);
  });

  it('runs in a warm Python toolchain; each injection carries all drift since the last build', async () => {
    const { tag } = await fromFixture('python-compileall', true);
    const version = `v2-${Date.now()}`;
    await edit('app/greeting.py', 'v1', version);
    const first = await traced(tag);
    expect(first.mode).toBe('inject');
    expect(first.trace).toContain('toolchain: started container answered');
    expect(await expectEquivalentToRebuild(tag)).toBe(`hello from python-compileall ${version}\n`);

    // An added module, then another edit: the second request starts from the last build again,
    // and must still bring the added module's .pyc (drift since the build, not since the request).
    await scratch.write('app/extra.py', 'EXTRA = 1\n');
    expect((await traced(tag)).trace).toContain('toolchain: warm container answered');
    expect(await expectEquivalentToRebuild(tag)).toBe(`hello from python-compileall ${version}\n`);
    await edit('app/greeting.py', version, `${version}-b`);
    const third = await traced(tag);
    expect(third.trace).toContain('toolchain: warm container answered');
    expect(third.changes.added).toEqual(['app/extra.py']);
    expect(await expectEquivalentToRebuild(tag)).toBe(`hello from python-compileall ${version}-b\n`);
  });

  it('a toolchain server the image cannot run is given up at once, and the replay goes cold', async () => {
    scratch = await Scratch.create('python-compileall', {});
    await cp(join(FIXTURES, 'python-compileall'), scratch.dir, { recursive: true });
    // The image's Python cannot import socket (a module on PYTHONPATH shadows it): compileall
    // runs, the toolchain server does not.
    await scratch.write('shadow/socket.py', 'raise SystemExit(3)\n');
    const dockerfile = await readFile(join(scratch.dir, 'Dockerfile'), 'utf8');
    await scratch.write(
      'Dockerfile',
      dockerfile.replace(
        'WORKDIR /srv\n',
        `WORKDIR /srv\nCOPY shadow/ /shadow/\nENV PYTHONPATH=/shadow\nRUN echo ${randomUUID()} > /build-id\n`,
      ),
    );
    const tag = scratch.tag('dev');
    expect((await scratch.build(tag)).mode).toBe('build');
    const version = `v4-${Date.now()}`;
    await edit('app/greeting.py', 'v1', version);
    const result = await traced(tag);
    expect(result.mode).toBe('inject');
    expect(result.trace).toContain('toolchain: its server exited before answering');
    expect(await expectEquivalentToRebuild(tag)).toBe(`hello from python-compileall ${version}\n`);
  });

  it('turned off, compileall runs in a fresh container with the same result', async () => {
    const { tag } = await fromFixture('python-compileall');
    const version = `v3-${Date.now()}`;
    await edit('app/greeting.py', 'v1', version);
    const result = await traced(tag, { CODEINJECT_WARM_TOOLCHAIN: '0' });
    expect(result.mode).toBe('inject');
    expect(result.trace).not.toContain('toolchain:');
    expect(await expectEquivalentToRebuild(tag)).toBe(`hello from python-compileall ${version}\n`);
  });
});
