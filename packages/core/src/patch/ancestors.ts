// Every directory above a patch entry must be in the patch with the metadata the image already
// has for it: otherwise the engine creates it as root:root 0755 in the new layer, and that copy
// hides the real one (see packages/docker layer-paths.ts).
import type { ImageFile, PatchPlan } from './image-files.js';

export interface DirectoryStat {
  type: string;
  mode: number;
  uid: number;
  gid: number;
  mtimeMs: number;
}

/** Ancestors of the plan's entries and whiteouts that the plan itself does not write. */
export function missingAncestors(plan: PatchPlan): string[] {
  const written = new Set(plan.upserts.map(([path]) => path));
  const needed = new Set<string>();
  for (const path of [...plan.upserts.map(([p]) => p), ...plan.deletions]) {
    for (let dir = parentOf(path); dir !== '/'; dir = parentOf(dir)) {
      if (!written.has(dir)) needed.add(dir);
    }
  }
  return [...needed].sort();
}

export function withAncestors(plan: PatchPlan, stats: ReadonlyMap<string, DirectoryStat>): PatchPlan {
  const added: Array<[string, ImageFile]> = [];
  for (const path of missingAncestors(plan)) {
    const stat = stats.get(path);
    if (stat?.type !== 'directory') continue;
    added.push([
      path,
      {
        type: 'directory',
        mode: stat.mode,
        uid: stat.uid,
        gid: stat.gid,
        mtimeMs: stat.mtimeMs,
        size: 0,
        sourcePath: '',
        line: 0,
      },
    ]);
  }
  const upserts = [...added, ...plan.upserts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { upserts, deletions: plan.deletions };
}

function parentOf(path: string): string {
  const at = path.lastIndexOf('/');
  return at <= 0 ? '/' : path.slice(0, at);
}
