// The paper's two one-line apps, built by the real engine through the adapter with both
// builders, and run: what the container prints proves the image is real and complete.
import { join } from 'node:path';
import { packContext, walk } from '@codeinject/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Builder, DockerEngine } from '../src/index.js';

const fixtures = join(import.meta.dirname, '..', '..', '..', 'fixtures');
const cases = [
  { app: 'python-hello', prints: 'hello from python-hello v1\n' },
  { app: 'java-hello', prints: 'hello from java-hello v1\n' },
];
const builders: Builder[] = ['buildkit', 'legacy'];

let engine: DockerEngine;
const tags: string[] = [];

beforeAll(async () => {
  engine = new DockerEngine();
  const info = await engine.info();
  console.log(`engine: Docker ${info.serverVersion} (${info.storageDriver})`);
});

afterAll(async () => {
  for (const tag of tags) await engine.removeImage(tag).catch(() => undefined);
});

describe.each(cases)('$app', ({ app, prints }) => {
  it.each(builders)('builds with %s and the container prints its line', async (builder) => {
    const context = join(fixtures, app);
    const tag = `codeinject-test/${app}:${builder}`;
    tags.push(tag);
    const id = await engine.build(packContext(context, await walk(context)), {
      tags: [tag],
      dockerfile: 'Dockerfile',
      builder,
    });
    expect(id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect((await engine.inspectImage(tag)).id).toBe(id);

    const history = await engine.imageHistory(tag);
    const copy = history.find((item) => item.createdBy.includes('COPY'));
    expect(copy?.createdBy).toMatch(builder === 'buildkit' ? /# buildkit$/ : /#\(nop\) COPY file:/);

    const result = await engine.run(tag);
    expect(result).toEqual({ exitCode: 0, stdout: prints, stderr: '' });
  });
});

describe('engine errors', () => {
  it('names the image that does not exist', async () => {
    await expect(engine.inspectImage('codeinject-test/no-such-image:nope')).rejects.toThrow(
      'image not found: codeinject-test/no-such-image:nope',
    );
  });

  it('reports a failing build step with the engine message', async () => {
    const context = join(fixtures, 'python-hello');
    const entries = (await walk(context)).filter((entry) => entry.path !== 'app.py');
    await expect(
      engine.build(packContext(context, entries), { tags: [], dockerfile: 'Dockerfile', builder: 'legacy' }),
    ).rejects.toThrow(/build failed: .*app\.py/);
  });
});
