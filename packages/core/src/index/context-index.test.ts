import { mkdir, mkdtemp, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../digest.js';
import { compareIndexes, type IndexedEntry, indexContext } from './context-index.js';

async function context() {
  const root = await mkdtemp(join(tmpdir(), 'codeinject-index-'));
  await mkdir(join(root, 'src'));
  await writeFile(join(root, 'src', 'a.py'), 'a\n');
  await writeFile(join(root, 'b.txt'), 'b\n');
  await symlink('src/a.py', join(root, 'link'));
  return root;
}

describe('indexContext', () => {
  it('hashes files, keeps symlinks as links and lists directories', async () => {
    const root = await context();
    const index = await indexContext(root);
    expect([...index.keys()]).toEqual(['b.txt', 'link', 'src', 'src/a.py']);
    expect(index.get('src/a.py')?.sha256).toBe(sha256('a\n'));
    expect(index.get('link')).toMatchObject({ type: 'symlink', linkTarget: 'src/a.py' });
    expect(index.get('src')?.type).toBe('directory');
  });

  it('reuses the hash of a file whose stat is unchanged (stat cache)', async () => {
    const root = await context();
    const first = await indexContext(root);
    const cached = new Map(first);
    cached.set('b.txt', { ...(first.get('b.txt') as IndexedEntry), sha256: sha256('stale') });
    const second = await indexContext(root, undefined, cached);
    expect(second.get('b.txt')?.sha256).toBe(sha256('stale'));

    await writeFile(join(root, 'b.txt'), 'B\n');
    await utimes(join(root, 'b.txt'), new Date(), new Date(Date.now() + 5000));
    const third = await indexContext(root, undefined, cached);
    expect(third.get('b.txt')?.sha256).toBe(sha256('B\n'));
  });

  it('compares by content and mode, not mtime', async () => {
    const root = await context();
    const before = await indexContext(root);
    await writeFile(join(root, 'src', 'a.py'), 'a2\n');
    await writeFile(join(root, 'new.txt'), 'n\n');
    await utimes(join(root, 'b.txt'), new Date(), new Date(Date.now() + 10_000));
    const after = await indexContext(root, undefined, before);
    expect(compareIndexes(before, after)).toEqual({
      added: ['new.txt'],
      modified: ['src/a.py'],
      deleted: [],
    });
  });
});
