import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StateStore } from './state-store.js';

describe('StateStore', () => {
  it('round-trips tag records and reads nothing for an unknown tag', async () => {
    const store = new StateStore(await mkdtemp(join(tmpdir(), 'codeinject-state-')));
    await store.writeTag({ tag: 'registry:5000/app:dev', baseline: 'sha256:aa', lineage: [] });
    expect(await store.readTag('registry:5000/app:dev')).toEqual({
      tag: 'registry:5000/app:dev',
      baseline: 'sha256:aa',
      lineage: [],
    });
    expect(await store.readTag('other:tag')).toBeUndefined();
  });

  it('lets one run at a time hold a tag', async () => {
    const store = new StateStore(await mkdtemp(join(tmpdir(), 'codeinject-state-')));
    const order: string[] = [];
    const run = async (name: string, hold: number) => {
      const release = await store.lockTag('app:dev');
      order.push(`${name} in`);
      await new Promise((resolve) => setTimeout(resolve, hold));
      order.push(`${name} out`);
      await release();
    };
    await Promise.all([run('first', 100), run('second', 1)]);
    expect(order).toEqual(['first in', 'first out', 'second in', 'second out']);
  });

  it('takes over a lock whose owner process is gone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'codeinject-state-'));
    await mkdir(join(dir, 'locks'));
    // pid 2^22+1 is above Linux's pid_max default range of live processes here.
    const lockFile = join(dir, 'locks', `${encodeURIComponent('app:dev')}.lock`);
    await writeFile(lockFile, String(4_194_305));
    const release = await new StateStore(dir).lockTag('app:dev', 1000);
    expect(await readFile(lockFile, 'utf8')).toBe(String(process.pid));
    await release();
    await expect(readFile(lockFile, 'utf8')).rejects.toThrow('ENOENT');
  });
});
