// The files that COPY instructions put in an image, as a map from absolute image path to what
// lands there. Two such maps (at the last real build, and now) give the patch.
import type { Digest } from '../digest.js';

export interface ImageFile {
  type: 'file' | 'directory' | 'symlink';
  mode: number;
  uid: number;
  gid: number;
  mtimeMs: number;
  size: number;
  sha256?: Digest;
  linkTarget?: string;
  /** Where the bytes come from now (context-relative), for files. */
  sourcePath: string;
  /** Dockerfile line of the COPY that wrote it (the last one wins). */
  line: number;
  /** The bytes, when they do not come from the context (e.g. the output of a replayed RUN). */
  content?: Buffer;
}

export type ImageFiles = Map<string, ImageFile>;

export interface PatchPlan {
  /** Entries to write, parents before children. */
  upserts: Array<[string, ImageFile]>;
  /** Paths to white out; a deleted directory hides its whole subtree, so children are omitted. */
  deletions: string[];
}

export function samePlacedFile(a: ImageFile, b: ImageFile): boolean {
  return (
    a.type === b.type &&
    a.mode === b.mode &&
    a.uid === b.uid &&
    a.gid === b.gid &&
    a.sha256 === b.sha256 &&
    a.linkTarget === b.linkTarget
  );
}

export function planPatch(baseline: ImageFiles, current: ImageFiles): PatchPlan {
  const upserts: Array<[string, ImageFile]> = [];
  for (const [path, file] of current) {
    const old = baseline.get(path);
    if (!old || !samePlacedFile(old, file)) upserts.push([path, file]);
  }
  const gone = new Set([...baseline.keys()].filter((path) => !current.has(path)));
  const deletions = [...gone]
    .filter((path) => !ancestorPaths(path).some((parent) => gone.has(parent)))
    .sort();
  upserts.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { upserts, deletions };
}

/** `/a/b/c` → `/a`, `/a/b`: the directories above an absolute image path. */
export function ancestorPaths(path: string): string[] {
  const parts = path.split('/');
  return parts.slice(1, -1).map((_, i) => parts.slice(0, i + 2).join('/'));
}
