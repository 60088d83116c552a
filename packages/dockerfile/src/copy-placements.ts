// What each context COPY places in the image before and after an edit. Mapping every context
// file twice was most of decide's time for an app of thousands of files and a one-line edit, so
// when every COPY resolves its sources the same way in both indexes, only the image paths that a
// changed context path reaches are looked at. That is exact: any other image path is written by
// unchanged entries through the same mapping before and after, so it cannot differ (and mtimes,
// the one thing an unchanged entry may change, are not compared: see samePlacedFile).
import type { ContextChanges, ContextIndex, ImageFiles } from '@codeinject/core';
import type { CopyInstruction } from './build-graph.js';
import { imagePathsOf, placeAll, placedAt, type ResolvedCopy } from './copy-mapping.js';

export interface ResolvedBoth {
  copy: CopyInstruction;
  before: ResolvedCopy;
  after: ResolvedCopy;
}

export interface CopyPlacements {
  before: ImageFiles;
  after: ImageFiles;
  /** Only image paths reached by a changed context path are present (see above). */
  narrowed: boolean;
}

export function placeCopies(
  copies: readonly ResolvedBoth[],
  before: ContextIndex,
  after: ContextIndex,
  changes: ContextChanges,
): Map<CopyInstruction, CopyPlacements> {
  const placements = new Map<CopyInstruction, CopyPlacements>();
  if (!copies.every((c) => sameSources(c.before, c.after))) {
    for (const c of copies) {
      const files: CopyPlacements = { before: new Map(), after: new Map(), narrowed: false };
      placeAll(c.before, before, files.before);
      placeAll(c.after, after, files.after);
      placements.set(c.copy, files);
    }
    return placements;
  }
  const changed = [...changes.added, ...changes.modified, ...changes.deleted];
  const reached = new Set<string>();
  for (const c of copies)
    for (const path of changed) for (const p of imagePathsOf(c.after, path)) reached.add(p);
  for (const c of copies) {
    const files: CopyPlacements = { before: new Map(), after: new Map(), narrowed: true };
    for (const imagePath of reached) {
      const was = placedAt(c.before, before, imagePath);
      const is = placedAt(c.after, after, imagePath);
      if (was) files.before.set(imagePath, was);
      if (is) files.after.set(imagePath, is);
    }
    placements.set(c.copy, files);
  }
  return placements;
}

/** Same source paths and types: the mapping from context paths to image paths is the same. */
function sameSources(a: ResolvedCopy, b: ResolvedCopy): boolean {
  return (
    a.sources.length === b.sources.length &&
    a.sources.every((s, i) => s.path === b.sources[i]?.path && s.type === b.sources[i]?.type)
  );
}
