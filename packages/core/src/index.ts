export {
  compareFilesystems,
  compareRuntimeConfigs,
  type Difference,
  jarsComparedByEntries,
  RUNTIME_FIELDS,
} from './compare/compare-images.js';
export {
  type FilesystemSnapshot,
  type SnapshotEntry,
  snapshotFilesystem,
} from './compare/filesystem-snapshot.js';
export { isJarPath, jarEntriesDigest } from './compare/jar-entries.js';
export { type Digest, type DigestedBytes, digested, isDigest, sha256, shortDigest } from './digest.js';
export * from './errors.js';
export { type EntryType, type FsEntry, type WalkFilter, walk } from './fs/walk.js';
export { type PartialArchiveInput, writePartialDockerArchive } from './image/docker-archive.js';
export {
  type InjectConfigInput,
  injectConfig,
  LABEL_BASE_IMAGE,
  LABEL_PATCH,
} from './image/inject-config.js';
export {
  type ContextChanges,
  type ContextIndex,
  compareIndexes,
  hashFile,
  type IndexedEntry,
  indexContext,
  indexFromJSON,
  indexToJSON,
} from './index/context-index.js';
export * from './oci/types.js';
export { type DirectoryStat, missingAncestors, withAncestors } from './patch/ancestors.js';
export {
  ancestorPaths,
  type ImageFile,
  type ImageFiles,
  type PatchPlan,
  planPatch,
  samePlacedFile,
} from './patch/image-files.js';
export { writePatchLayer } from './patch/write-layer.js';
export {
  type BaselineRecord,
  defaultStateDir,
  type LineageEntry,
  StateStore,
  type TagRecord,
} from './state/state-store.js';
export { packContext } from './tar/pack-context.js';
export { readTarEntries, type TarEntryHandler } from './tar/read-tar.js';
