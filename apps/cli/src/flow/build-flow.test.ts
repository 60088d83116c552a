// The flow above the adapter, with a fake engine (the adapter itself is tested against the
// real engine): which path runs, what the engine is asked, and what gets recorded.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { StateStore, sha256 } from '@codeinject/core';
import type { Engine, EngineInfo, ImageSummary } from '@codeinject/docker';
import { describe, expect, it } from 'vitest';
import { NotInjectableError, runBuildFlow } from './build-flow.js';

const BASE_CONFIG = Buffer.from(
  JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    config: { Cmd: ['python3', 'app.py'] },
    rootfs: { type: 'layers', diff_ids: [sha256('base')] },
    history: [{ created_by: 'base' }],
  }),
);
const BUILT = sha256(BASE_CONFIG);

class FakeEngine implements Partial<Engine> {
  calls: string[] = [];
  tags = new Map<string, string>();
  containerd = false;

  async info(): Promise<EngineInfo> {
    return {
      serverVersion: 'fake',
      storageDriver: 'overlay2',
      containerdImageStore: this.containerd,
    };
  }
  async inspectImage(reference: string): Promise<ImageSummary> {
    const id = reference.startsWith('sha256:') ? reference : this.tags.get(reference);
    if (!id) throw new Error('not found');
    return { id, repoTags: [], created: '', size: 0, config: {}, diffIds: [], graphDriver: 'vfs' };
  }
  async build(_context: Readable, options: { tags: string[] }): Promise<string> {
    this.calls.push('build');
    for (const tag of options.tags) this.tags.set(tag, BUILT);
    return BUILT;
  }
  async imageConfig(): Promise<Buffer> {
    return BASE_CONFIG;
  }
  async statPaths(): Promise<Map<string, never>> {
    // No ancestor metadata: the patch then carries only the changed entries.
    return new Map<string, never>();
  }
  async load(archive: Buffer | Readable): Promise<string[]> {
    this.calls.push(`load ${(archive as Buffer).length > 0 ? 'archive' : 'empty'}`);
    return [];
  }
  async tag(image: string, reference: string): Promise<void> {
    this.calls.push(`tag ${reference}`);
    this.tags.set(reference, image);
  }
}

async function setup() {
  const root = await mkdtemp(join(tmpdir(), 'codeinject-flow-'));
  const context = join(root, 'ctx');
  await import('node:fs/promises').then((fs) => fs.mkdir(context));
  await writeFile(join(context, 'Dockerfile'), 'FROM base\nWORKDIR /app\nCOPY app.py .\n');
  await writeFile(join(context, 'app.py'), 'print(1)\n');
  const engine = new FakeEngine();
  const deps = {
    engine: async () => engine as unknown as Engine,
    store: new StateStore(join(root, 'state')),
    builder: 'buildkit' as const,
    log: () => undefined,
  };
  const args = { context, tags: ['app:dev'], buildArgs: {} };
  return { context, engine, deps, args };
}

describe('runBuildFlow', () => {
  it('builds first, then injects an edit as one partial load, then reports nothing to do', async () => {
    const { context, engine, deps, args } = await setup();
    const first = await runBuildFlow(args, 'build', deps);
    expect(first).toMatchObject({ mode: 'build', image: BUILT, previous: null });

    await writeFile(join(context, 'app.py'), 'print(2)\n');
    const second = await runBuildFlow(args, 'build', deps);
    expect(second).toMatchObject({ mode: 'inject', previous: BUILT, changes: { modified: ['app.py'] } });
    expect(engine.calls).toEqual(['build', 'tag app:dev-codeinject-base', 'load archive']);

    const lineage = (await deps.store.readTag('app:dev'))?.lineage.map((entry) => entry.mode);
    expect(lineage).toEqual(['build', 'inject']);
  });

  it('falls back to a real build on the containerd image store, saying why', async () => {
    const { context, engine, deps, args } = await setup();
    await runBuildFlow(args, 'build', deps);
    engine.containerd = true;
    await writeFile(join(context, 'app.py'), 'print(3)\n');
    const result = await runBuildFlow(args, 'build', deps);
    expect(result.mode).toBe('build');
    expect(result.reason).toContain('containerd image store');
  });

  it('does not inject over a tag that someone else moved', async () => {
    const { context, engine, deps, args } = await setup();
    await runBuildFlow(args, 'build', deps);
    engine.tags.set('app:dev', sha256('someone else'));
    await writeFile(join(context, 'app.py'), 'print(4)\n');
    await expect(runBuildFlow(args, 'inject', deps)).rejects.toThrow(NotInjectableError);
    await expect(runBuildFlow(args, 'inject', deps)).rejects.toThrow(
      'app:dev now points to an image codeinject did not make',
    );
  });

  it('plans without touching the engine when the verdict is a build', async () => {
    const { deps, args } = await setup();
    const plan = await runBuildFlow(args, 'plan', {
      ...deps,
      engine: async () => {
        throw new Error('engine used');
      },
    });
    expect(plan).toMatchObject({ mode: 'build', image: null });
  });
});
