// The four ways to turn an edit into an image, side by side. Each method owns its folder and
// tag, so none profits from another's work: `docker build` with the legacy builder and with
// BuildKit (each cached from its own previous build), the naive `docker create` + `docker cp`
// + `docker commit` of the changed files, and `codeinject build`.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { exec, mustExec } from './exec.js';

export type MethodName = 'codeinject' | 'buildkit' | 'legacy' | 'commit';
export const METHODS: MethodName[] = ['codeinject', 'buildkit', 'legacy', 'commit'];

/** Debian's client (20.10) builds with the engine's BuildKit; a client without buildx cannot. */
export const DOCKER = existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';
export const CODEINJECT = join(import.meta.dirname, '..', '..', 'cli', 'bin', 'codeinject');

export interface MethodContext {
  dir: string;
  tag: string;
  stateDir: string;
  /** The app's path of its code in the image, for `docker cp` (the COPY destination). */
  imageRoot: string;
}

export interface TrialResult {
  ms: number;
  /** What codeinject decided (inject, build, unchanged); absent for the other methods. */
  mode?: string;
}

export async function firstBuild(method: MethodName, ctx: MethodContext): Promise<void> {
  if (method === 'codeinject') await runCodeinject(ctx);
  else await dockerBuild(ctx, method === 'legacy' ? 'legacy' : 'buildkit');
  await mustExec(DOCKER, ['tag', ctx.tag, `${ctx.tag}-first`]);
}

export async function runMethod(
  method: MethodName,
  ctx: MethodContext,
  edited: string[],
): Promise<TrialResult> {
  switch (method) {
    case 'codeinject':
      return runCodeinject(ctx);
    case 'buildkit':
      return { ms: (await dockerBuild(ctx, 'buildkit')).ms };
    case 'legacy':
      return { ms: (await dockerBuild(ctx, 'legacy')).ms };
    case 'commit':
      return commit(ctx, edited);
  }
}

async function runCodeinject(ctx: MethodContext): Promise<TrialResult> {
  const result = await mustExec(process.execPath, [CODEINJECT, 'build', '-t', ctx.tag, '--json', ctx.dir], {
    CODEINJECT_STATE_DIR: ctx.stateDir,
  });
  const outcome = JSON.parse(result.stdout.trim().split('\n').pop() as string) as { mode: string };
  return { ms: result.ms, mode: outcome.mode };
}

function dockerBuild(ctx: MethodContext, builder: 'buildkit' | 'legacy') {
  return mustExec(DOCKER, ['build', '-q', '-t', ctx.tag, ctx.dir], {
    DOCKER_BUILDKIT: builder === 'buildkit' ? '1' : '0',
  });
}

/**
 * The naive injection the paper started from: `docker create` from the first build, `docker cp`
 * of the changed files, `docker commit`, timed together. It starts from the first build every
 * time (as codeinject does), or 100 trials would stack 100 layers.
 */
async function commit(ctx: MethodContext, edited: string[]): Promise<TrialResult> {
  const name = `codeinject-bench-commit-${process.pid}`;
  await exec(DOCKER, ['rm', '-f', name]);
  const started = performance.now();
  await mustExec(DOCKER, ['create', '--name', name, `${ctx.tag}-first`]);
  try {
    for (const path of edited)
      await mustExec(DOCKER, ['cp', join(ctx.dir, path), `${name}:${ctx.imageRoot}/${path}`]);
    await mustExec(DOCKER, ['commit', name, ctx.tag]);
    return { ms: performance.now() - started };
  } finally {
    await exec(DOCKER, ['rm', '-f', name]);
  }
}
