import { createHash } from 'node:crypto';

/** An OCI digest, always `sha256:<64 hex>` here. */
export type Digest = `sha256:${string}`;

export function sha256(bytes: Uint8Array | string): Digest {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** Bytes together with the digest of exactly those bytes (so the two can never drift apart). */
export interface DigestedBytes {
  readonly bytes: Buffer;
  readonly digest: Digest;
}

export function digested(bytes: Buffer): DigestedBytes {
  return { bytes, digest: sha256(bytes) };
}

export function isDigest(value: string): value is Digest {
  return /^sha256:[0-9a-f]{64}$/.test(value);
}

export function shortDigest(digest: string): string {
  return digest.replace(/^sha256:/, '').slice(0, 12);
}
