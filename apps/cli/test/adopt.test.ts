// An image the tag names but codeinject did not build (`docker build -t app .` earlier) is
// adopted as the baseline when it provably is a build of this Dockerfile on this context, so the
// first `codeinject build` needs no rebuild; otherwise the real build runs and says why.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LISTING_APP, Scratch } from './harness.js';

let scratch: Scratch;
afterEach(async () => scratch?.cleanup());

describe('adopting an image built by docker build', () => {
  it.each(['buildkit', 'legacy'] as const)(
    '%s: adopted without a rebuild, then an edit injects',
    async (builder) => {
      scratch = await Scratch.create('adopt', LISTING_APP);
      const tag = scratch.tag('dev');
      await scratch.dockerBuild(tag, builder);
      const built = await scratch.imageId(tag);
      const before = await scratch.runImage(tag);

      const first = await scratch.build(tag);
      expect(first).toMatchObject({ mode: 'unchanged', image: built });
      expect(first.reason).toContain('adopted');

      await scratch.write('src/util.py', 'VALUE = 2\n');
      const second = await scratch.build(tag);
      expect(second).toMatchObject({
        mode: 'inject',
        previous: built,
        changes: { modified: ['src/util.py'] },
      });
      const reference = scratch.tag('reference');
      await scratch.dockerBuild(reference);
      expect((await scratch.cli('diff', tag, reference)).stdout).toContain('equivalent');
      expect(await scratch.runImage(tag)).toBe(await scratch.runImage(reference));
      expect(await scratch.runImage(built)).toBe(before);
    },
  );

  it('an image whose files differ from the context now is rebuilt, and the reason names them', async () => {
    scratch = await Scratch.create('adopt', LISTING_APP);
    const tag = scratch.tag('dev');
    await scratch.dockerBuild(tag);
    await scratch.write('src/util.py', 'VALUE = 3\n');
    const result = await scratch.build(tag);
    expect(result.mode).toBe('build');
    expect(result.reason).toContain(
      'its COPY at line 5 holds other files than the context now (/app/src/util.py)',
    );
  });

  it('an image built from another Dockerfile is rebuilt', async () => {
    scratch = await Scratch.create('adopt', LISTING_APP);
    const tag = scratch.tag('dev');
    await scratch.dockerBuild(tag);
    const dockerfile = await readFile(join(scratch.dir, 'Dockerfile'), 'utf8');
    await scratch.write('Dockerfile', dockerfile.replace('CMD', 'ENV MODE=two\nCMD'));
    const result = await scratch.build(tag);
    expect(result.mode).toBe('build');
    expect(result.reason).toContain('its history has CMD where the Dockerfile has ENV at line 7');
  });
});
