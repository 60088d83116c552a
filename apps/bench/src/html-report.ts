// report.html: the markdown tables plus charts drawn by Chart.js and its box-plot plugin (both
// inlined, so the page opens offline): one box plot of trial times per cell, and the scaling
// series on log axes.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Report } from './report.js';

const require = createRequire(import.meta.url);
// The UMD builds are not in the packages' exports maps: find them beside each package's entry.
const script = (module: string, file: string) =>
  readFileSync(join(dirname(require.resolve(module)), file), 'utf8').replace(/<\/script/gi, '<\\/script');

const COLORS: Record<string, string> = {
  codeinject: '#1b9e77',
  buildkit: '#d95f02',
  legacy: '#7570b3',
  commit: '#e7298a',
};

export function htmlReport(markdown: string, report: Report): string {
  const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const groups = [...new Set(report.cells.map((c) => `${c.app}|${c.lines}`))];
  const boxCharts = groups.map((group, i) => {
    const [app, lines] = group.split('|');
    const cells = report.cells.filter((c) => c.app === app && String(c.lines) === lines);
    return {
      id: `box${i}`,
      title: `${app}, ${lines}-line edit: trial times (ms)`,
      data: {
        labels: cells.map((c) => c.method),
        datasets: [
          {
            label: 'ms',
            data: cells.map((c) => c.trials_ms),
            backgroundColor: cells.map((c) => `${COLORS[c.method] ?? '#999'}55`),
            borderColor: cells.map((c) => COLORS[c.method] ?? '#999'),
          },
        ],
      },
    };
  });
  const methods = [...new Set(report.scaling.map((s) => s.method))];
  const scaling = {
    datasets: methods.map((method) => ({
      label: method,
      borderColor: COLORS[method] ?? '#999',
      backgroundColor: COLORS[method] ?? '#999',
      data: report.scaling.filter((s) => s.method === method).map((s) => ({ x: s.size_mb, y: s.median_ms })),
    })),
  };
  const canvases = boxCharts
    .map((c) => `<h3>${esc(c.title)}</h3><div class="chart"><canvas id="${c.id}"></canvas></div>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>codeinject benchmark — ${esc(report.profile)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:1100px}.chart{height:320px}pre{white-space:pre-wrap;font-size:12px}</style>
<script>${script('chart.js', 'chart.umd.min.js')}</script>
<script>${script('@sgratzl/chartjs-chart-boxplot', 'index.umd.min.js')}</script>
</head><body>
<h1>codeinject benchmark — profile ${esc(report.profile)}</h1>
<p>Wall time of each method's whole command, per trial, measured side by side in one run (${esc(report.startedAt)} → ${esc(report.finishedAt)}).</p>
${report.scaling.length > 0 ? '<h2>Scaling: one-line edit against app source size</h2><div class="chart"><canvas id="scaling"></canvas></div>' : ''}
<h2>Trial times per cell</h2>
${canvases}
<h2>Tables</h2><pre>${esc(markdown)}</pre>
<script>
const boxCharts = ${JSON.stringify(boxCharts)};
for (const c of boxCharts) {
  new Chart(document.getElementById(c.id), { type: 'boxplot', data: c.data,
    options: { maintainAspectRatio: false, plugins: { legend: { display: false } }, scales: { y: { type: 'logarithmic', title: { display: true, text: 'ms (log)' } } } } });
}
const scaling = document.getElementById('scaling');
if (scaling) new Chart(scaling, { type: 'line', data: ${JSON.stringify(scaling)},
  options: { maintainAspectRatio: false, scales: {
    x: { type: 'logarithmic', title: { display: true, text: 'app source size (MB, log)' } },
    y: { type: 'logarithmic', title: { display: true, text: 'median ms (log)' } } } } });
</script>
</body></html>
`;
}
