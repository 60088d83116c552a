// The reports of a run: report.json (every trial's raw times, in the shape acceptance checks
// read), report.md (the paper's table plus the scaling table) and report.html (the same tables
// for a browser).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { htmlReport } from './html-report.js';
import type { MethodName } from './methods.js';
import { summarize } from './stats.js';
import type { TrialRecord } from './trials-log.js';

export interface Cell {
  app: string;
  lines: number;
  method: string;
  sizeMb?: number;
  trials_ms: number[];
  median_ms: number;
  p95_ms: number;
  mean_ms: number;
  ci95_ms: number;
  verified: number;
  failed: number;
  failures: string[];
  modes?: Record<string, number>;
  /** Trials per codeinject commit (`unknown` for records made before commits were recorded). */
  commits?: Record<string, number>;
}

export interface Report {
  profile: string;
  startedAt: string;
  finishedAt: string;
  cells: Cell[];
  scaling: Array<{ size_mb: number; method: string; median_ms: number; p95_ms: number }>;
  env: Record<string, string>;
  /** Cells of the profile with fewer trials than it plans (an interrupted or partial run). */
  unfinished: Array<{ app: string; lines: number; planned: number; done: number }>;
}

export function buildReport(
  profile: string,
  startedAt: string,
  records: TrialRecord[],
  methods: MethodName[],
  env: Record<string, string>,
  planned: ReadonlyArray<{ app: string; lines: number; trials: number }> = [],
): Report {
  const keys = [...new Set(records.map((r) => `${r.app}\u0000${r.lines}`))];
  const cells: Cell[] = [];
  for (const key of keys) {
    const [app = '', lines = '0'] = key.split('\u0000');
    for (const method of methods) {
      const trials = records.filter((r) => r.app === app && r.lines === Number(lines) && r.method === method);
      if (trials.length === 0) continue;
      const stats = summarize(trials.map((t) => t.ms));
      const cell: Cell = {
        app,
        lines: Number(lines),
        method,
        trials_ms: trials.map((t) => Math.round(t.ms * 10) / 10),
        median_ms: round(stats.median),
        p95_ms: round(stats.p95),
        mean_ms: round(stats.mean),
        ci95_ms: round(stats.ci95),
        verified: trials.filter((t) => t.verified).length,
        failed: trials.filter((t) => !t.verified).length,
        failures: [...new Set(trials.flatMap((t) => (t.failure ? [t.failure] : [])))].slice(0, 5),
      };
      const sizeMb = trials[0]?.sizeMb;
      if (sizeMb !== undefined) cell.sizeMb = sizeMb;
      if (method === 'codeinject') {
        cell.modes = {};
        for (const t of trials) cell.modes[t.mode ?? '?'] = (cell.modes[t.mode ?? '?'] ?? 0) + 1;
        cell.commits = {};
        for (const t of trials)
          cell.commits[t.commit ?? 'unknown'] = (cell.commits[t.commit ?? 'unknown'] ?? 0) + 1;
      }
      cells.push(cell);
    }
  }
  const scaling = cells
    .filter((c) => c.sizeMb !== undefined && c.lines === 1)
    .map((c) => ({ size_mb: c.sizeMb as number, method: c.method, median_ms: c.median_ms, p95_ms: c.p95_ms }))
    .sort((a, b) => a.size_mb - b.size_mb);
  // Trials carry their time (since trials.jsonl may gather several resumed runs): the report
  // spans from the first to the last.
  const times = records.flatMap((r) => (r.at ? [r.at] : [])).sort();
  return {
    profile,
    startedAt: times[0] ?? startedAt,
    finishedAt: times.at(-1) ?? new Date().toISOString(),
    cells,
    scaling,
    env,
    unfinished: planned.flatMap((cell) => {
      // A cell is as far as its least-measured method.
      const counts = methods
        .map(
          (m) => records.filter((r) => r.app === cell.app && r.lines === cell.lines && r.method === m).length,
        )
        .filter((count) => count > 0);
      const done = counts.length > 0 ? Math.min(...counts) : 0;
      return done < cell.trials ? [{ app: cell.app, lines: cell.lines, planned: cell.trials, done }] : [];
    }),
  };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

const BASELINES = ['buildkit', 'legacy', 'commit'];

export function markdownReport(report: Report): string {
  const out: string[] = [`# codeinject benchmark — profile \`${report.profile}\``, ''];
  out.push(
    `Run ${report.startedAt} → ${report.finishedAt}. Times are wall time of the whole command, spawn to exit, in ms.`,
  );
  out.push(
    'Speedup = median of the baseline / median of codeinject, measured side by side in the same run, methods alternating.',
    'create+cp+commit is not run for apps compiled in the image (java-*): copying the edited source alone changes nothing there.',
    '',
  );
  if (report.unfinished.length > 0) {
    out.push(
      '**Unfinished:** these cells have fewer trials than the profile plans (resume with the same `--out`):',
      '',
    );
    for (const cell of report.unfinished)
      out.push(`- ${cell.app}, ${cell.lines} line(s): ${cell.done} of ${cell.planned} trials`);
    out.push('');
  }
  out.push(
    '| app | lines | method | trials | median | p95 | mean ± 95% CI | speedup vs buildkit | vs legacy | vs commit | verified | failed |',
  );
  out.push('|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const cell of report.cells) {
    const speedups = BASELINES.map((baseline) => {
      if (cell.method !== 'codeinject') return '';
      const other = report.cells.find(
        (c) => c.app === cell.app && c.lines === cell.lines && c.method === baseline,
      );
      return other ? `${(other.median_ms / cell.median_ms).toFixed(2)}×` : '';
    });
    out.push(
      `| ${cell.app} | ${cell.lines} | ${cell.method} | ${cell.trials_ms.length} | ${cell.median_ms} | ${cell.p95_ms} | ${cell.mean_ms} ± ${cell.ci95_ms} | ${speedups.join(' | ')} | ${cell.verified} | ${cell.failed} |`,
    );
  }
  if (report.scaling.length > 0) {
    const sizes = [...new Set(report.scaling.map((s) => s.size_mb))];
    const methods = [...new Set(report.scaling.map((s) => s.method))];
    out.push('', '## Scaling: one-line edit against app source size (median ms)', '');
    out.push(`| size | ${methods.join(' | ')} |`, `|---:|${methods.map(() => '---:').join('|')}|`);
    for (const size of sizes) {
      const row = methods.map((m) =>
        String(report.scaling.find((s) => s.size_mb === size && s.method === m)?.median_ms ?? ''),
      );
      out.push(`| ${size} MB | ${row.join(' | ')} |`);
    }
  }
  const failures = report.cells.filter((c) => c.failures.length > 0);
  if (failures.length > 0) {
    out.push('', '## Failed checks', '');
    for (const cell of failures)
      for (const f of cell.failures) out.push(`- ${cell.app} ${cell.lines} line(s) ${cell.method}: ${f}`);
  }
  const modes = report.cells.filter((c) => c.modes);
  if (modes.length > 0) {
    out.push('', '## What codeinject did', '');
    for (const cell of modes)
      out.push(
        `- ${cell.app}, ${cell.lines} line(s): ${Object.entries(cell.modes ?? {})
          .map(([m, n]) => `${m} ×${n}`)
          .join(', ')} (commits: ${Object.entries(cell.commits ?? {})
          .map(([c, n]) => `${c} ×${n}`)
          .join(', ')})`,
      );
  }
  out.push('', '## Environment', '');
  for (const [key, value] of Object.entries(report.env)) out.push(`- ${key}: ${value}`);
  return `${out.join('\n')}\n`;
}

export async function writeReports(dir: string, report: Report): Promise<void> {
  const markdown = markdownReport(report);
  await writeFile(join(dir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(dir, 'report.md'), markdown);
  await writeFile(join(dir, 'report.html'), htmlReport(markdown, report));
}
