import { describe, expect, it } from 'vitest';
import { quantile, summarize } from './stats.js';

describe('summarize', () => {
  it('gives median, p95 (R-7 interpolation) and mean', () => {
    const s = summarize([5, 1, 4, 2, 3]);
    expect(s).toMatchObject({ n: 5, median: 3, mean: 3, min: 1, max: 5 });
    expect(s.p95).toBeCloseTo(4.8);
  });

  it('uses Student t for the confidence interval of small samples', () => {
    const s = summarize([10, 12]);
    // sd = sqrt(2), se = 1, t(1 df) = 12.706
    expect(s.ci95).toBeCloseTo(12.706);
  });

  it('interpolates between order statistics', () => {
    expect(quantile([0, 10], 0.25)).toBe(2.5);
    expect(Number.isNaN(quantile([], 0.5))).toBe(true);
  });
});
