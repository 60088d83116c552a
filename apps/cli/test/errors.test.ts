// Bad input gets one line naming the problem and a non-zero exit, never a stack trace, and
// nothing the user had is touched.
import { afterEach, describe, expect, it } from 'vitest';
import { LISTING_APP, Scratch } from './harness.js';

let scratch: Scratch;
afterEach(async () => scratch?.cleanup());

describe('bad input', () => {
  it.each([
    [['build', '-t', 'x:y', 'no-such-dir'], 1, /^codeinject: build context not found: no-such-dir$/],
    [['build', '-t', 'x:y', '-f', 'Nope', '.'], 1, /^codeinject: Dockerfile not found: .*Nope$/],
    [['build', '--builder', 'kaniko', '.'], 2, /^codeinject: --builder kaniko: expected buildkit or legacy$/],
    [['build'], 2, /missing required argument 'context'/],
    [
      ['diff', 'codeinject-it/none:1', 'codeinject-it/none:2'],
      1,
      /^codeinject: image not found: codeinject-it\/none:1$/,
    ],
  ])('%j exits %i with one line', async (args, code, message) => {
    scratch = await Scratch.create('bad', LISTING_APP);
    const result = await scratch.cli(...args);
    expect(result.code).toBe(code);
    expect(result.stderr.trim().split('\n')[0]).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('says how to start the engine when none answers', async () => {
    scratch = await Scratch.create('down', LISTING_APP);
    const result = await scratch.cli('build', '-t', 'codeinject-it/down:1', '.', {
      DOCKER_HOST: 'unix:///nonexistent/docker.sock',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'codeinject: no Docker engine answers at unix:///nonexistent/docker.sock; start one (as root: dockerd &, or bash scripts/ensure-docker.sh) or set DOCKER_HOST\n',
    );
  });

  it('names the Dockerfile line of a parse error and moves no tag', async () => {
    scratch = await Scratch.create('parse', {
      ...LISTING_APP,
      Dockerfile: 'FROM codeinject-fixtures/python:3.11\nCOPPY a b\n',
    });
    const tag = scratch.tag('dev');
    const result = await scratch.cli('build', '-t', tag, '.');
    expect(result).toMatchObject({
      code: 1,
      stderr: 'codeinject: Dockerfile:2: unknown instruction: COPPY\n',
    });
    expect((await scratch.cli('diff', tag, tag)).stderr).toContain('image not found');
  });

  it('reports a failing real build with the engine message and keeps the old tag', async () => {
    scratch = await Scratch.create('failing', LISTING_APP);
    const tag = scratch.tag('dev');
    const first = await scratch.build(tag);
    await scratch.write('Dockerfile', `${LISTING_APP.Dockerfile}RUN exit 7\n`);
    const result = await scratch.cli('build', '-t', tag, '.');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/codeinject: build failed: .*exit code: 7/);
    expect((await scratch.cli('diff', tag, first.image)).code).toBe(0);
  });
});
