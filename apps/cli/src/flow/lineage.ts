// What each run did, per tag: the lineage `codeinject history` shows and `rollback` walks.
import type { LineageEntry, StateStore, TagRecord } from '@codeinject/core';
import type { Engine } from '@codeinject/docker';
import type { BuildOutcome } from './build-flow.js';
import type { PreparedBuild } from './build-request.js';

export async function recordLineage(
  store: StateStore,
  prepared: PreparedBuild,
  tagRecord: TagRecord | undefined,
  outcome: BuildOutcome,
  baseline: string,
): Promise<void> {
  const entry: LineageEntry = {
    image: outcome.image as string,
    time: new Date().toISOString(),
    mode: outcome.mode,
    reason: outcome.reason,
    baseline,
    changes: {
      added: outcome.changes.added.length,
      modified: outcome.changes.modified.length,
      deleted: outcome.changes.deleted.length,
    },
  };
  for (const tag of prepared.tags) {
    const existing = tag === tagRecord?.tag ? tagRecord : await store.readTag(tag);
    await store.writeTag({
      tag,
      baseline,
      lineage: [...(existing?.lineage ?? []), entry],
    });
  }
}

export async function tagAll(engine: Engine, image: string, tags: string[]): Promise<void> {
  for (const tag of tags) await engine.tag(image, tag);
}
