// Summary statistics for trial times: median and p95 by linear interpolation between order
// statistics (the "R-7" definition numpy and most tools use), mean with a 95% confidence
// interval from Student's t distribution.

export interface Summary {
  n: number;
  median: number;
  p95: number;
  mean: number;
  /** Half-width of the 95% confidence interval of the mean. */
  ci95: number;
  min: number;
  max: number;
}

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const a = sorted[lower] as number;
  const b = sorted[upper] as number;
  return a + (b - a) * (position - lower);
}

// Two-sided 95% critical values of Student's t for 1..30 degrees of freedom; 1.96 beyond.
const T95 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const mean = n === 0 ? Number.NaN : sorted.reduce((sum, v) => sum + v, 0) / n;
  const variance = n < 2 ? 0 : sorted.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (n - 1);
  const t = n < 2 ? 0 : (T95[n - 2] ?? 1.96);
  return {
    n,
    median: quantile(sorted, 0.5),
    p95: quantile(sorted, 0.95),
    mean,
    ci95: t * Math.sqrt(variance / Math.max(n, 1)),
    min: sorted[0] ?? Number.NaN,
    max: sorted[n - 1] ?? Number.NaN,
  };
}
