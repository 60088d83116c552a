// Where a warm toolchain answered last (address and token), per image and working directory, in
// the state dir: a warm injection then reaches it without asking the engine anything.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { defaultStateDir, sha256 } from '@codeinject/core';

export interface Endpoint {
  address: string;
  token: string;
}

function endpointFile(image: string, workdir: string): string {
  const key = sha256(`${image}\0${workdir}`).slice('sha256:'.length, 'sha256:'.length + 24);
  return join(defaultStateDir(), 'toolchains', `${key}.json`);
}

export function readEndpoint(image: string, workdir: string): Endpoint | undefined {
  try {
    return JSON.parse(readFileSync(endpointFile(image, workdir), 'utf8')) as Endpoint;
  } catch {
    return undefined;
  }
}

export function rememberEndpoint(image: string, workdir: string, endpoint: Endpoint): void {
  const file = endpointFile(image, workdir);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, JSON.stringify(endpoint), { mode: 0o600 });
}

export function forgetEndpoint(image: string, workdir: string): void {
  rmSync(endpointFile(image, workdir), { force: true });
}

/** Forgets every remembered toolchain (they were stopped). */
export function forgetAllEndpoints(): void {
  rmSync(join(defaultStateDir(), 'toolchains'), { recursive: true, force: true });
}
