// The injected image's config: the last real build's config, plus the patch layer's diff_id,
// a history entry that says what was injected, and provenance labels. A pure function over the
// exact config bytes, returning the new bytes with their digest (the image ID on the classic store).
import { type Digest, type DigestedBytes, digested } from '../digest.js';
import type { ImageConfig } from '../oci/types.js';

export const LABEL_BASE_IMAGE = 'io.codeinject.base-image';
export const LABEL_PATCH = 'io.codeinject.patch';

export interface InjectConfigInput {
  baseConfig: Buffer;
  patchDiffId: Digest;
  /** Shown by `docker history`, e.g. `codeinject: COPY app.py . (line 5): 1 modified`. */
  createdBy: string;
  baseImageId: string;
  created?: Date;
}

export function injectConfig(input: InjectConfigInput): DigestedBytes {
  const config = JSON.parse(input.baseConfig.toString('utf8')) as ImageConfig;
  const created = (input.created ?? new Date()).toISOString();
  const runtime = { ...(config.config ?? {}) };
  runtime.Labels = {
    ...(runtime.Labels ?? {}),
    [LABEL_BASE_IMAGE]: input.baseImageId,
    [LABEL_PATCH]: input.patchDiffId,
  };
  const next: ImageConfig = {
    ...config,
    created,
    config: runtime,
    rootfs: { type: 'layers', diff_ids: [...config.rootfs.diff_ids, input.patchDiffId] },
    history: [...(config.history ?? []), { created, created_by: input.createdBy, comment: 'codeinject' }],
  };
  // Legacy-builder configs carry container_config of the last step; it describes a container
  // that never ran for this image, so it is dropped rather than left to mislead.
  delete next.container_config;
  delete next.container;
  return digested(Buffer.from(JSON.stringify(next)));
}
