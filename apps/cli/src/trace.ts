// Phase timings on stderr when CODEINJECT_TRACE=1: where a run's milliseconds go.
const enabled = process.env.CODEINJECT_TRACE === '1';
// performance.now() counts from process start, so the first line shows start-up cost too.
const start = 0;
let last = start;

export function trace(phase: string): void {
  if (!enabled) return;
  const now = performance.now();
  process.stderr.write(
    `[trace] ${phase}: +${(now - last).toFixed(1)} ms (${(now - start).toFixed(1)} ms since start)\n`,
  );
  last = now;
}
