// codeinject's own records, outside any build context: the baseline of each real build (keyed
// by image ID) and each tag's lineage. Location: $CODEINJECT_STATE_DIR, else
// $XDG_STATE_HOME/codeinject, else ~/.local/state/codeinject. Writes go through a temp file and
// rename, so an interrupted run never leaves a half-written record.
import { mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { IndexedEntry } from '../index/context-index.js';

export interface BaselineRecord {
  imageId: string;
  createdAt: string;
  contextDir: string;
  dockerfile: string;
  dockerfileSha256: string;
  buildArgs: Record<string, string>;
  /** `--label` values of the build (absent: none). */
  labels?: Record<string, string>;
  target?: string;
  builder: string;
  /** The image's exact config bytes, base64: the injected config is derived from them. */
  config: string;
  index: IndexedEntry[];
}

export interface LineageEntry {
  image: string;
  time: string;
  mode: 'build' | 'inject' | 'unchanged' | 'rollback';
  reason: string;
  baseline: string;
  changes: { added: number; modified: number; deleted: number };
}

export interface TagRecord {
  tag: string;
  baseline: string;
  lineage: LineageEntry[];
}

export function defaultStateDir(): string {
  if (process.env.CODEINJECT_STATE_DIR) return process.env.CODEINJECT_STATE_DIR;
  const base = process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(base, 'codeinject');
}

export class StateStore {
  constructor(readonly dir: string = defaultStateDir()) {}

  readBaseline(imageId: string): Promise<BaselineRecord | undefined> {
    return this.read(join('baselines', `${hex(imageId)}.json`));
  }

  writeBaseline(record: BaselineRecord): Promise<void> {
    return this.write(join('baselines', `${hex(record.imageId)}.json`), record);
  }

  readTag(tag: string): Promise<TagRecord | undefined> {
    return this.read(join('tags', `${encodeURIComponent(tag)}.json`));
  }

  writeTag(record: TagRecord): Promise<void> {
    return this.write(join('tags', `${encodeURIComponent(record.tag)}.json`), record);
  }

  /**
   * One codeinject run per tag at a time: two runs that both start from the same baseline would
   * race to move the tag. The lock file holds the owner's pid; a lock whose owner is gone is taken.
   */
  async lockTag(tag: string, timeoutMs = 30 * 60_000): Promise<() => Promise<void>> {
    const path = join(this.dir, 'locks', `${encodeURIComponent(tag)}.lock`);
    await mkdir(dirname(path), { recursive: true });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const handle = await open(path, 'wx');
        await handle.writeFile(String(process.pid));
        await handle.close();
        return () => rm(path, { force: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const owner = Number(await readFile(path, 'utf8').catch(() => ''));
        if (!isAlive(owner)) await rm(path, { force: true });
        else if (Date.now() > deadline) throw new Error(`another codeinject run (pid ${owner}) holds ${tag}`);
        else await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  private async read<T>(relative: string): Promise<T | undefined> {
    const text = await readFile(join(this.dir, relative), 'utf8').catch(() => undefined);
    return text === undefined ? undefined : (JSON.parse(text) as T);
  }

  private async write(relative: string, value: unknown): Promise<void> {
    const path = join(this.dir, relative);
    await mkdir(dirname(path), { recursive: true });
    const temp = `${path}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify(value));
    await rename(temp, path);
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function hex(imageId: string): string {
  return imageId.replace(/^sha256:/, '');
}
