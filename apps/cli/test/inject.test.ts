// Every change kind, end to end on the real engine: codeinject build injects (or builds, with
// the reason), and the result is equivalent to a real `docker build` of the same context
// (`codeinject diff` and the container's own listing), while the old image keeps its output.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LISTING_APP, Scratch } from './harness.js';

let scratch: Scratch;
afterEach(async () => scratch?.cleanup());

async function expectEquivalentToRebuild(tag: string): Promise<void> {
  const reference = scratch.tag(`reference-${Date.now()}`);
  await scratch.dockerBuild(reference);
  const diff = await scratch.cli('diff', tag, reference);
  expect(diff.stdout).toContain('equivalent');
  expect(diff.code).toBe(0);
  expect(await scratch.runImage(tag)).toBe(await scratch.runImage(reference));
}

async function firstBuild(name: string, files = LISTING_APP) {
  scratch = await Scratch.create(name, files);
  const tag = scratch.tag('dev');
  const first = await scratch.build(tag);
  expect(first.mode).toBe('build');
  return { tag, first, before: await scratch.runImage(tag) };
}

describe('codeinject build injects and equals docker build', () => {
  it.each([
    ['modify', async () => scratch.write('src/util.py', 'VALUE = 2\n')],
    ['add in nested new directories', async () => scratch.write('src/pkg/deep/er/mod.py', 'X = 1\n')],
    ['delete', async () => scratch.remove('src/pkg/__init__.py')],
    [
      'rename',
      async () => {
        await scratch.remove('src/util.py');
        await scratch.write('src/helpers.py', 'VALUE = 1\n');
      },
    ],
    ['chmod', async () => scratch.chmod('src/util.py', 0o755)],
    ['symlink', async () => scratch.symlink('util.py', 'src/current.py')],
    [
      'second COPY with another destination and --chown',
      async () => scratch.write('config/app.conf', 'debug = true\n'),
    ],
    ['delete a whole directory', async () => scratch.remove('src/pkg')],
  ])('%s', async (_kind, change) => {
    const { tag, first, before } = await firstBuild('kinds');
    await change();
    const second = await scratch.build(tag);
    expect(second.mode).toBe('inject');
    expect(second.previous).toBe(first.image);
    await expectEquivalentToRebuild(tag);
    expect(await scratch.runImage(first.image)).toBe(before);
  });

  it('resolves --chown user and group names from the image, as the builders do', async () => {
    const dockerfile = LISTING_APP.Dockerfile?.replace(
      'COPY src/ ./src/',
      'COPY --chown=nobody:staff src/ ./src/',
    ).replace('COPY main.py .', 'COPY --chown=daemon main.py .') as string;
    const { tag } = await firstBuild('chown-names', { ...LISTING_APP, Dockerfile: dockerfile });
    await scratch.write('src/util.py', 'VALUE = 5\n');
    await scratch.write('main.py', `${LISTING_APP['main.py']}print("owned")\n`);
    const second = await scratch.build(tag);
    expect(second.mode).toBe('inject');
    await expectEquivalentToRebuild(tag);
  });

  it("rebuilds when a deleted file would uncover an older layer's copy", async () => {
    const files = {
      ...LISTING_APP,
      Dockerfile: `${LISTING_APP.Dockerfile}COPY overrides/ /etc/\n`,
      'overrides/debian_version': 'patched\n',
    };
    const { tag } = await firstBuild('shadow', files);
    await scratch.remove('overrides/debian_version');
    const second = await scratch.build(tag);
    expect(second.mode).toBe('build');
    expect(second.reason).toContain('deleting /etc/debian_version would also hide an older layer');
    await expectEquivalentToRebuild(tag);
  });

  it('leaves the image as it is when only ignored or uncopied files change', async () => {
    const { tag, first } = await firstBuild('ignored');
    await scratch.write('debug.log', 'noise\n');
    await scratch.write('notes/todo.txt', 'later\n');
    await scratch.write('README.md', 'changed but not copied\n');
    const second = await scratch.build(tag);
    expect(second).toMatchObject({ mode: 'unchanged', image: first.image });
  });

  it('returns to the built image when an edit is reverted', async () => {
    const { tag, first } = await firstBuild('revert');
    await scratch.write('main.py', `${LISTING_APP['main.py']}print("edited")\n`);
    expect((await scratch.build(tag)).mode).toBe('inject');
    await scratch.write('main.py', LISTING_APP['main.py'] as string);
    const reverted = await scratch.build(tag);
    expect(reverted).toMatchObject({ mode: 'unchanged', image: first.image });
    await expectEquivalentToRebuild(tag);
  });

  it('builds when a later RUN reads the changed file, then injects after that build', async () => {
    const files = {
      ...LISTING_APP,
      Dockerfile: `${LISTING_APP.Dockerfile}RUN python3 -c "import shutil; shutil.copy('/app/src/util.py', '/app/copy.py')"\n`,
    };
    const { tag } = await firstBuild('run-reads', files);
    await scratch.write('src/util.py', 'VALUE = 3\n');
    const second = await scratch.build(tag);
    expect(second.mode).toBe('build');
    expect(second.reason).toContain('RUN at line 8 may read what COPY at line 5 changed');
    await expectEquivalentToRebuild(tag);

    await scratch.write(
      'Dockerfile',
      files.Dockerfile.replace('RUN python3', '# codeinject: independent\nRUN python3'),
    );
    expect((await scratch.build(tag)).reason).toBe('the Dockerfile changed');
    await scratch.write('README.md', 'x\n');
    await scratch.write('main.py', `${LISTING_APP['main.py']}print("after fallback")\n`);
    const third = await scratch.build(tag);
    expect(third.mode).toBe('inject');
    expect(await scratch.runImage(tag)).toContain('after fallback');
  });

  it('inject refuses with exit 3 and the reason instead of building', async () => {
    const { tag } = await firstBuild('refuse');
    await scratch.write('Dockerfile', `${LISTING_APP.Dockerfile}ENV MODE=prod\n`);
    const result = await scratch.cli('inject', '-t', tag, '.');
    expect(result.code).toBe(3);
    expect(result.stderr.trim()).toBe('codeinject: not injectable: the Dockerfile changed');
  });

  it('takes docker build flags: --no-cache builds for real, -q prints only the image ID', async () => {
    const { tag, first } = await firstBuild('flags');
    await scratch.write('src/util.py', 'VALUE = 5\n');
    const rebuilt = await scratch.build(tag, '--no-cache');
    expect(rebuilt).toMatchObject({ mode: 'build', reason: '--no-cache asks for a real build' });
    expect(rebuilt.image).not.toBe(first.image);
    await scratch.write('src/util.py', 'VALUE = 6\n');
    const quiet = await scratch.cli('build', '-q', '-t', tag, '.');
    expect(quiet).toMatchObject({ code: 0, stderr: '' });
    expect(quiet.stdout).toBe(`${await scratch.imageId(tag)}\n`);
    await expectEquivalentToRebuild(tag);
  });

  it('takes --label (other values than the last build need a real build) and --iidfile', async () => {
    scratch = await Scratch.create('labels', LISTING_APP);
    const tag = scratch.tag('dev');
    expect((await scratch.build(tag, '--label', 'team=core')).mode).toBe('build');
    await scratch.write('src/util.py', 'VALUE = 7\n');
    const iidfile = join(scratch.dir, '..', 'iid');
    const same = await scratch.build(tag, '--label', 'team=core', '--iidfile', iidfile);
    expect(same.mode).toBe('inject');
    expect(await readFile(iidfile, 'utf8')).toBe(same.image);
    await scratch.write('src/util.py', 'VALUE = 8\n');
    expect(await scratch.build(tag, '--label', 'team=web')).toMatchObject({
      mode: 'build',
      reason: '--label values changed',
    });
    expect(await scratch.labels(tag)).toEqual({ team: 'web' });
  });

  it('records the lineage and rolls back', async () => {
    const { tag, first } = await firstBuild('lineage');
    await scratch.write('src/util.py', 'VALUE = 9\n');
    const second = await scratch.build(tag);
    const history = await scratch.cli('history', tag);
    expect(
      history.stdout
        .split('\n')
        .slice(1, 3)
        .map((line) => line.split(/\s+/)[2]),
    ).toEqual(['inject', 'build']);
    const rollback = await scratch.cli('rollback', tag);
    expect(rollback.code).toBe(0);
    expect(rollback.stdout).toContain(second.image.slice(7, 19));
    const after = await scratch.cli('diff', tag, first.image);
    expect(after.code).toBe(0);
  });
});
