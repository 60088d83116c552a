#!/usr/bin/env node
// One-stop set-up for the README's commands on a fresh clone. Plain Node, no dependencies,
// because it runs before `pnpm install`. Steps are chosen by flags:
//   --deps         pnpm install when node_modules is missing or older than the lockfile
//   --engine       a Docker engine that answers (scripts/ensure-docker.sh)
//   --base-images  the offline fixture base images (fixtures/base-images/build.sh)
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const steps = new Set(process.argv.slice(2));

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.error) {
    console.error(`setup: cannot run ${command}: ${result.error.message}`);
    process.exit(1);
  }
  if (result.status !== 0) {
    console.error(`setup: ${command} ${args.join(' ')} failed (exit ${result.status})`);
    process.exit(result.status ?? 1);
  }
}

function depsAreInstalled() {
  const marker = join(root, 'node_modules', '.modules.yaml');
  const lock = join(root, 'pnpm-lock.yaml');
  if (!existsSync(marker)) return false;
  return !existsSync(lock) || statSync(marker).mtimeMs >= statSync(lock).mtimeMs;
}

if (steps.has('--deps') && !depsAreInstalled()) {
  console.error('setup: installing dependencies (pnpm install)');
  const frozen = process.env.CI ? ['--frozen-lockfile'] : [];
  run('pnpm', ['install', ...frozen]);
}
if (steps.has('--engine')) run('bash', [join(root, 'scripts', 'ensure-docker.sh')]);
if (steps.has('--base-images')) run('bash', [join(root, 'fixtures', 'base-images', 'build.sh')]);
