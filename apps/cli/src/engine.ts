// The engine client, made on first use: commands that never reach the engine (a plan that ends
// in a real build, --help, usage errors) do not touch the socket. dockerode itself is loaded only
// by the slow calls (build, run, export); see DockerEngine.
import type { Engine } from '@codeinject/docker';

let connected: Promise<Engine> | undefined;

export function lazyEngine(): Promise<Engine> {
  connected ??= import('@codeinject/docker').then(({ DockerEngine }) => new DockerEngine());
  return connected;
}
