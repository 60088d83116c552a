// What the numbers were measured on: they mean little without it.
import { cpus, release, totalmem } from 'node:os';
import { exec } from './exec.js';
import { DOCKER } from './methods.js';

export async function describeEnvironment(): Promise<Record<string, string>> {
  const format = (template: string) =>
    exec(DOCKER, ['version', '--format', template]).then((r) => r.stdout.trim());
  const info = (template: string) =>
    exec(DOCKER, ['info', '--format', template]).then((r) => r.stdout.trim());
  return {
    dockerClient: `${DOCKER} ${await format('{{.Client.Version}}')}`,
    dockerEngine: await format('{{.Server.Version}}'),
    storageDriver: await info('{{.Driver}}'),
    builders: 'buildkit: DOCKER_BUILDKIT=1 with the client above; legacy: DOCKER_BUILDKIT=0',
    cpu: `${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}`,
    memory: `${Math.round(totalmem() / 2 ** 30)} GiB`,
    kernel: release(),
    node: process.version,
    // Which codeinject measured: trials of one report may come from resumed runs of other commits.
    codeinjectCommit: await currentCommit(),
  };
}

export async function currentCommit(): Promise<string> {
  const result = await exec('git', ['-C', import.meta.dirname, 'rev-parse', '--short', 'HEAD']);
  return result.code === 0 ? result.stdout.trim() : 'unknown';
}
