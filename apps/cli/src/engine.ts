// The engine, connected on first use only: loading dockerode costs ~150 ms, which commands that
// never reach the engine (plan of a real build, --help, usage errors) should not pay.
import type { Engine } from '@codeinject/docker';

let connected: Promise<Engine> | undefined;

export function lazyEngine(): Promise<Engine> {
  connected ??= import('@codeinject/docker').then(({ DockerEngine }) => new DockerEngine());
  return connected;
}
