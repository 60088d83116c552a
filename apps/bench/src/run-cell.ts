// One cell of the matrix (an app and an edit size): every method gets its own copy of the app
// and a first, untimed build; then each trial edits every copy and times every method once,
// with tinybench, in an order that rotates from trial to trial so no method always goes first.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import type { BenchApp } from './apps.js';
import { exec, mustExec } from './exec.js';
import {
  CODEINJECT,
  DOCKER,
  firstBuild,
  type MethodContext,
  type MethodName,
  runMethod,
  type TrialResult,
} from './methods.js';
import type { CellSpec } from './profile.js';
import type { TrialRecord, TrialsLog } from './trials-log.js';

export interface CellRun {
  app: BenchApp;
  cell: CellSpec;
  methods: MethodName[];
  workDir: string;
  diffEvery: number;
  /**
   * Part of every edit's marker: BuildKit's cache ignores mtimes, so an edit made the same way in
   * an earlier run would be a cache hit for the builders, and a stale base for codeinject.
   */
  runId: string;
  /** The codeinject commit measuring, recorded with every trial. */
  commit: string;
  log: TrialsLog;
  done: TrialRecord[];
  onTrial: (trial: number) => void;
}

export async function runCell(run: CellRun): Promise<void> {
  const { app, cell } = run;
  // The naive create+cp+commit copies sources only; for a compiled app it cannot make the image.
  const methods = app.compiled ? run.methods.filter((m) => m !== 'commit') : run.methods;
  const finished = (method: MethodName) =>
    run.done.filter((r) => r.app === app.name && r.lines === cell.lines && r.method === method).length;
  const firstTrial = Math.min(...methods.map(finished)) + 1;
  if (firstTrial > cell.trials) return;

  await trimBuildCache();
  const contexts = new Map<MethodName, MethodContext>();
  for (const method of methods) {
    const dir = join(run.workDir, app.name, method);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    // Content unique to the run, the cell and the method: no first build reuses another's layers.
    await app.write(dir, `${run.runId}-${cell.lines}-${method}`);
    const ctx = {
      dir,
      tag: `codeinject-bench/${app.name}:${method}`,
      // codeinject's state is this cell's own, in this run: each cell (and a resumed one) rewrites
      // its app, and a baseline left by another cell or run would make the whole rewrite drift
      // that every trial injects again (seen: python-complex 5-line trials at 7 s instead of 1.5).
      stateDir: join(run.workDir, 'state', `${run.runId}-${app.name}-${cell.lines}`),
      imageRoot: app.imageRoot,
    };
    contexts.set(method, ctx);
    await firstBuild(method, ctx);
  }

  for (let trial = firstTrial; trial <= cell.trials; trial++) {
    run.onTrial(trial);
    // Between trials too: one cell of 1 GB apps alone adds ~4 GB of layers per trial.
    await trimBuildCache();
    const tags = methods.flatMap((method) => {
      const tag = (contexts.get(method) as MethodContext).tag;
      return [tag, `${tag}-reference`];
    });
    const before = await imageIds(tags);
    const order = methods.map((_, i) => methods[(i + trial) % methods.length] as MethodName);
    const results = new Map<MethodName, TrialResult>();
    const edits = new Map<MethodName, string[]>();
    const bench = new Bench({ iterations: 1, time: 0, warmup: false, retainSamples: true, throws: true });
    for (const method of order) {
      const ctx = contexts.get(method) as MethodContext;
      bench.add(
        method,
        async () => {
          const result = await runMethod(method, ctx, edits.get(method) ?? []);
          results.set(method, result);
          // The command's own wall time, spawn to exit, is the sample.
          return { overriddenDuration: result.ms };
        },
        {
          beforeEach: async () =>
            void edits.set(method, await app.edit(ctx.dir, cell.lines, marker(run.runId, trial, method))),
        },
      );
    }
    await bench.run();
    for (const method of order) {
      const ctx = contexts.get(method) as MethodContext;
      const task = bench.getTask(method);
      const ms =
        task?.result && 'latency' in task.result
          ? (task.result.latency.samples?.[0] ?? Number.NaN)
          : Number.NaN;
      const record = await verify(
        app,
        cell,
        method,
        ctx,
        trial,
        results.get(method),
        ms,
        // Trial 1 and every diffEvery-th after it: every cell gets compared at least once.
        (trial - 1) % run.diffEvery === 0,
        marker(run.runId, trial, method),
      );
      record.commit = run.commit;
      await run.log.append(record);
      run.done.push(record);
    }
    await removeReplaced(before, await imageIds(tags));
  }
}

async function imageIds(tags: string[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const tag of tags) {
    const result = await exec(DOCKER, ['image', 'inspect', '--format', '{{.Id}}', tag]);
    if (result.code === 0) ids.set(tag, result.stdout.trim());
  }
  return ids;
}

/**
 * The images this trial replaced go (with the legacy builder's intermediate parents), so 100
 * trials do not fill the disk. Not `docker image prune`: that also takes the intermediate images
 * of a legacy build running at that moment elsewhere (another bench, a test) and breaks it.
 * Without -f, an image still tagged or used stays.
 */
async function removeReplaced(before: Map<string, string>, after: Map<string, string>): Promise<void> {
  const current = new Set(after.values());
  const replaced = [...new Set(before.values())].filter((id) => !current.has(id));
  if (replaced.length > 0) await exec(DOCKER, ['rmi', ...replaced]);
}

/**
 * BuildKit keeps every trial's layers in its cache: two bench processes filled 60 GB in an hour
 * here, and the disk. Trimmed to a bound, least recently used first, outside the timed part: the
 * last build of each method (what its next cached rebuild needs) is the most recently used, so it
 * stays. CODEINJECT_BENCH_BUILD_CACHE_GB sets the bound.
 */
async function trimBuildCache(): Promise<void> {
  const keepGb = Number(process.env.CODEINJECT_BENCH_BUILD_CACHE_GB ?? 20);
  await exec(DOCKER, ['builder', 'prune', '-f', '--keep-storage', `${keepGb}GB`]);
}

function marker(runId: string, trial: number, method: string): string {
  return `${runId}-trial-${trial}-${method}`;
}

async function verify(
  app: BenchApp,
  cell: CellSpec,
  method: MethodName,
  ctx: MethodContext,
  trial: number,
  result: TrialResult | undefined,
  ms: number,
  compare: boolean,
  expected: string,
): Promise<TrialRecord> {
  const record: TrialRecord = {
    app: app.name,
    lines: cell.lines,
    method,
    trial,
    ms,
    verified: false,
    at: new Date().toISOString(),
  };
  if (cell.sizeMb !== undefined) record.sizeMb = cell.sizeMb;
  if (result?.mode) record.mode = result.mode;
  const printed = await exec(DOCKER, ['run', '--rm', '--network', 'none', ctx.tag]);
  if (!printed.stdout.includes(expected)) {
    record.failure = `the container printed ${JSON.stringify(printed.stdout.trim().slice(0, 120))}, not the trial's marker`;
    return record;
  }
  if (compare && method === 'codeinject') {
    const reference = `${ctx.tag}-reference`;
    await mustExec(DOCKER, ['build', '-q', '-t', reference, ctx.dir], { DOCKER_BUILDKIT: '1' });
    const diff = await exec(process.execPath, [CODEINJECT, 'diff', ctx.tag, reference]);
    record.diffEquivalent = diff.code === 0;
    if (diff.code !== 0) {
      record.failure = `codeinject diff against docker build: ${diff.stdout.trim().split('\n').slice(0, 4).join(' | ')}`;
      return record;
    }
  }
  record.verified = true;
  return record;
}
