// `pnpm bench`: runs a profile's matrix, streams trials to disk, and writes the reports.
// Flags: --profile NAME (paper), --trials N, --apps a,b, --lines 1,5, --methods m,n, --out DIR.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { appByName } from './apps.js';
import { currentCommit, describeEnvironment } from './environment.js';
import { METHODS, type MethodName } from './methods.js';
import { type CellSpec, loadProfile } from './profile.js';
import { buildReport, writeReports } from './report.js';
import { runCell } from './run-cell.js';
import { type TrialRecord, TrialsLog } from './trials-log.js';

const HELP = `usage: pnpm bench [--profile paper|smoke|inject] [--trials N] [--apps a,b] [--lines 1,5] [--methods m,n] [--out DIR] [--report-only]

Examples:
  pnpm bench                                   the paper's comparisons (hours)
  pnpm bench --profile smoke                   a few trials of every cell (minutes)
  pnpm bench --profile smoke --apps python-hello --methods codeinject,buildkit
  pnpm bench --out benchmarks/results/run-1    resume an interrupted run in that folder
  pnpm bench --out DIR --report-only            write the reports from DIR/trials.jsonl, run nothing`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      profile: { type: 'string', default: 'paper' },
      trials: { type: 'string' },
      apps: { type: 'string' },
      lines: { type: 'string' },
      methods: { type: 'string' },
      out: { type: 'string' },
      'report-only': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return void console.log(HELP);
  const profile = await loadProfile(values.profile as string);
  const methods = values.methods ? (values.methods.split(',') as MethodName[]) : profile.methods;
  const unknown = methods.filter((m) => !METHODS.includes(m));
  if (unknown.length > 0)
    throw new Error(`unknown method ${unknown.join(', ')} (known: ${METHODS.join(', ')})`);
  const cells = selectCells(profile.cells, values);

  const startedAt = new Date().toISOString();
  const out =
    values.out ??
    join(import.meta.dirname, '..', '..', '..', 'benchmarks', 'results', startedAt.replace(/[:.]/g, '-'));
  await mkdir(out, { recursive: true });
  const log = new TrialsLog(join(out, 'trials.jsonl'));
  const done = await log.read();
  const workDir = join(out, 'partial');
  const total = cells.reduce((sum, cell) => sum + cell.trials, 0);
  const started = performance.now();
  let finished = trialsAlreadyDone(cells, done, methods);
  let runHere = 0;
  console.error(
    `bench: profile ${profile.name}, ${cells.length} cells, ${total} trials × ${methods.length} methods → ${out}`,
  );

  const commit = await currentCommit();
  for (const [i, cell] of values['report-only'] ? [] : cells.entries()) {
    await runCell({
      app: appByName(cell.app),
      cell,
      methods,
      workDir,
      diffEvery: profile.diffEvery,
      runId: startedAt.replace(/[^0-9]/g, '').slice(0, 14),
      commit,
      log,
      done,
      onTrial: (trial) => {
        const perTrial = runHere > 0 ? (performance.now() - started) / 1000 / runHere : 0;
        const eta = perTrial > 0 ? ` ETA ${formatSeconds(perTrial * (total - finished))}` : '';
        const percent = Math.round((finished / total) * 100);
        console.error(
          `[${i + 1}/${cells.length}] ${cell.app} ${cell.lines} line(s): trial ${trial}/${cell.trials} (${percent}%${eta})`,
        );
        finished++;
        runHere++;
      },
    });
  }
  const report = buildReport(
    profile.name,
    startedAt,
    await log.read(),
    methods,
    await describeEnvironment(),
    cells,
  );
  await writeReports(out, report);
  const failed = report.cells.reduce((sum, c) => sum + c.failed, 0);
  console.error(`bench: wrote ${join(out, 'report.md')} (${failed} failed checks)`);
  if (failed > 0) process.exitCode = 1;
}

/** Finished trials of the selected cells only, so a resumed or narrowed run's progress stays within 0–100%. */
function trialsAlreadyDone(cells: CellSpec[], done: TrialRecord[], methods: string[]): number {
  return cells.reduce((sum, cell) => {
    const records = done.filter(
      (r) =>
        r.app === cell.app && r.lines === cell.lines && r.trial <= cell.trials && methods.includes(r.method),
    ).length;
    return sum + Math.min(cell.trials, Math.floor(records / methods.length));
  }, 0);
}

function selectCells(
  cells: CellSpec[],
  values: { trials?: string; apps?: string; lines?: string },
): CellSpec[] {
  const apps = values.apps?.split(',');
  const lines = values.lines?.split(',').map(Number);
  return cells
    .filter((cell) => !apps || apps.includes(cell.app))
    .filter((cell) => !lines || lines.includes(cell.lines))
    .map((cell) => (values.trials ? { ...cell, trials: Number(values.trials) } : cell));
}

function formatSeconds(seconds: number): string {
  return seconds >= 60
    ? `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`
    : `${Math.round(seconds)}s`;
}

main().catch((error: unknown) => {
  console.error(`bench: ${(error as Error).message}`);
  process.exit(1);
});
