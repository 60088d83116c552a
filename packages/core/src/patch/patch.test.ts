import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../digest.js';
import { type ImageFile, type ImageFiles, planPatch } from './image-files.js';
import { writePatchLayer } from './write-layer.js';

const file = (sourcePath: string, content: string, extra: Partial<ImageFile> = {}): ImageFile => ({
  type: 'file',
  mode: 0o644,
  uid: 0,
  gid: 0,
  mtimeMs: 1_700_000_000_500,
  size: content.length,
  sha256: sha256(content),
  sourcePath,
  line: 3,
  ...extra,
});
const dir = (extra: Partial<ImageFile> = {}): ImageFile => ({
  ...file('', ''),
  type: 'directory',
  mode: 0o755,
  sha256: undefined,
  ...extra,
});

async function readLayer(bytes: Buffer) {
  const entries: Array<{
    name: string;
    type: string;
    mode: number;
    uid: number;
    gid: number;
    body: string;
    linkname?: string | null;
    mtime?: Date;
  }> = [];
  const extract = tar.extract();
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c) => chunks.push(c as Buffer));
      stream.on('end', () => {
        entries.push({
          name: header.name,
          type: header.type ?? '',
          mode: header.mode ?? 0,
          uid: header.uid ?? 0,
          gid: header.gid ?? 0,
          body: Buffer.concat(chunks).toString(),
          linkname: header.linkname,
          mtime: header.mtime,
        });
        next();
      });
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  Readable.from([bytes]).pipe(extract as unknown as NodeJS.WritableStream);
  await done;
  return entries;
}

describe('planPatch', () => {
  it('writes added and modified entries, parents first, and whites out only the top of a deleted tree', () => {
    const baseline: ImageFiles = new Map([
      ['/app/a.py', file('a.py', 'a1')],
      ['/app/same.py', file('same.py', 's')],
      ['/app/old', dir()],
      ['/app/old/x.py', file('old/x.py', 'x')],
      ['/app/mode.sh', file('mode.sh', 'm')],
    ]);
    const current: ImageFiles = new Map([
      ['/app/a.py', file('a.py', 'a2')],
      ['/app/same.py', file('same.py', 's', { mtimeMs: 1 })],
      ['/app/new', dir()],
      ['/app/new/n.py', file('new/n.py', 'n')],
      ['/app/mode.sh', file('mode.sh', 'm', { mode: 0o755 })],
    ]);
    const plan = planPatch(baseline, current);
    expect(plan.upserts.map(([path]) => path)).toEqual([
      '/app/a.py',
      '/app/mode.sh',
      '/app/new',
      '/app/new/n.py',
    ]);
    expect(plan.deletions).toEqual(['/app/old']);
  });

  it('is empty when only mtimes differ', () => {
    const plan = planPatch(
      new Map([['/a', file('a', 'x')]]),
      new Map([['/a', file('a', 'x', { mtimeMs: 5 })]]),
    );
    expect(plan).toEqual({ upserts: [], deletions: [] });
  });
});

describe('writePatchLayer', () => {
  it('writes contents, modes, owners, symlinks, whiteouts and long names', async () => {
    const context = await mkdtemp(join(tmpdir(), 'codeinject-layer-'));
    const longName = `${'d'.repeat(120)}.txt`;
    await writeFile(join(context, 'a.py'), 'print(2)\n');
    await writeFile(join(context, longName), 'long\n');
    const plan = planPatch(
      new Map([['/app/gone.txt', file('gone.txt', 'g')]]),
      new Map([
        ['/app/a.py', file('a.py', 'print(2)\n', { mode: 0o750, uid: 1000, gid: 1001 })],
        ['/app/link', { ...file('link', ''), type: 'symlink', linkTarget: 'a.py', sha256: undefined }],
        [`/app/${longName}`, file(longName, 'long\n')],
      ]),
    );
    const layer = await writePatchLayer(plan, context);
    expect(layer.digest).toBe(sha256(layer.bytes));
    const entries = await readLayer(layer.bytes);
    expect(entries.map((e) => [e.name, e.type])).toEqual([
      ['app/.wh.gone.txt', 'file'],
      ['app/a.py', 'file'],
      [`app/${longName}`, 'file'],
      ['app/link', 'symlink'],
    ]);
    expect(entries[1]).toMatchObject({ mode: 0o750, uid: 1000, gid: 1001, body: 'print(2)\n' });
    expect(entries[1]?.mtime?.getTime()).toBe(1_700_000_000_000);
    expect(entries[2]?.body).toBe('long\n');
    expect(entries[3]?.linkname).toBe('a.py');
  });
});

describe('ancestors', async () => {
  const { missingAncestors, withAncestors } = await import('./ancestors.js');
  const plan = planPatch(
    new Map([['/etc/app/old/x', file('x', 'x')]]),
    new Map([
      ['/etc/app/new', dir()],
      ['/etc/app/new/a.conf', file('a.conf', 'a')],
    ]),
  );

  it('lists the directories above entries and whiteouts that the plan does not write', () => {
    expect(missingAncestors(plan)).toEqual(['/etc', '/etc/app', '/etc/app/old']);
  });

  it('adds them with the image metadata, parents first', () => {
    const stats = new Map([
      ['/etc', { type: 'directory', mode: 0o755, uid: 0, gid: 0, mtimeMs: 0 }],
      ['/etc/app', { type: 'directory', mode: 0o750, uid: 1000, gid: 1000, mtimeMs: 0 }],
    ]);
    const full = withAncestors(plan, stats);
    expect(full.upserts.map(([path, f]) => [path, f.uid, f.mode])).toEqual([
      ['/etc', 0, 0o755],
      ['/etc/app', 1000, 0o750],
      ['/etc/app/new', 0, 0o755],
      ['/etc/app/new/a.conf', 0, 0o644],
    ]);
  });
});
