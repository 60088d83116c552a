export { type Digest, type DigestedBytes, digested, isDigest, sha256, shortDigest } from './digest.js';
export * from './errors.js';
export { type EntryType, type FsEntry, type WalkFilter, walk } from './fs/walk.js';
export * from './oci/types.js';
export { packContext } from './tar/pack-context.js';
