import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../digest.js';
import { compareFilesystems, jarsComparedByEntries } from './compare-images.js';
import type { FilesystemSnapshot } from './filesystem-snapshot.js';
import { jarEntries, jarEntriesDigest } from './jar-entries.js';

const text = (s: string) => new TextEncoder().encode(s);

function jar(entries: Record<string, string>, mtime: Date): Buffer {
  const files = Object.fromEntries(Object.entries(entries).map(([name, body]) => [name, text(body)]));
  return Buffer.from(zipSync(files, { mtime }));
}

async function snapshot(path: string, bytes: Buffer): Promise<FilesystemSnapshot> {
  const entries = await jarEntries(bytes);
  return new Map([
    [
      path,
      {
        type: 'file',
        mode: 0o644,
        uid: 0,
        gid: 0,
        size: bytes.length,
        sha256: sha256(bytes),
        ...(entries ? { jarEntries: entries } : {}),
      },
    ],
  ]);
}

describe('jars compared by entries', () => {
  const classes = { 'META-INF/MANIFEST.MF': 'Main-Class: app.Main\n', 'app/Main.class': 'v1' };

  it('equal entries written at other times are equivalent, and the diff names the jar', async () => {
    const a = await snapshot('/app/app.jar', jar(classes, new Date('2026-01-01T00:00:00Z')));
    const b = await snapshot('/app/app.jar', jar(classes, new Date('2026-06-01T12:00:00Z')));
    expect(a.get('/app/app.jar')?.sha256).not.toBe(b.get('/app/app.jar')?.sha256);
    expect(compareFilesystems(a, b)).toEqual([]);
    expect(jarsComparedByEntries(a, b)).toEqual(['/app/app.jar']);
  });

  it.each([
    ['a changed class', { ...classes, 'app/Main.class': 'v2' }],
    ['an added entry', { ...classes, 'app/Extra.class': 'x' }],
    ['a renamed entry', { 'META-INF/MANIFEST.MF': classes['META-INF/MANIFEST.MF'], 'app/Other.class': 'v1' }],
  ])('%s is a difference', async (_what, other) => {
    const a = await snapshot('/app/app.jar', jar(classes, new Date('2026-01-01T00:00:00Z')));
    const b = await snapshot('/app/app.jar', jar(other, new Date('2026-01-01T00:00:00Z')));
    const [difference] = compareFilesystems(a, b);
    expect(difference).toMatchObject({ path: '/app/app.jar', kind: 'entries' });
    expect(difference?.b).toMatch(/app\/(Main|Extra|Other)\.class/);
  });

  it('a file named .jar that is not a zip is compared by its bytes', async () => {
    expect(await jarEntriesDigest(Buffer.from('not a zip'))).toBeUndefined();
    const a = await snapshot('/x.jar', Buffer.from('one'));
    const b = await snapshot('/x.jar', Buffer.from('two'));
    expect(compareFilesystems(a, b)).toMatchObject([{ path: '/x.jar', kind: 'content' }]);
  });
});
