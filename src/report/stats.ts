/** z for a two-sided 95 % interval. */
const Z95 = 1.959963984540054;

export interface Adoption {
  /** 100 × enabled / determined; null when nothing was determined. */
  percent: number | null;
  /** Wilson score interval in percent; null when nothing was determined. */
  ci95: [number, number] | null;
  /** 100 × enabled / eligible: every undetermined user without MFA. */
  lowerBoundPercent: number | null;
  /** 100 × (enabled + undetermined) / eligible: every undetermined user with MFA. */
  upperBoundPercent: number | null;
}

/**
 * Wilson score interval for `successes` out of `trials`, in [0, 1]. With a finite
 * `population`, the variance carries the finite population correction (N − n) / (N − 1), so
 * the interval closes to a point when the whole population was checked.
 */
export function wilson(successes: number, trials: number, population?: number): [number, number] | null {
  if (trials <= 0) return null;
  const fpc = population !== undefined && population > 1 ? Math.max(0, (population - trials) / (population - 1)) : 1;
  const z2 = Z95 * Z95 * fpc;
  const p = successes / trials;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const half = (Math.sqrt(z2) / denominator) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

export function adoption(enabled: number, disabled: number, eligible: number, population?: number): Adoption {
  const determined = enabled + disabled;
  const undetermined = Math.max(0, eligible - determined);
  const interval = wilson(enabled, determined, population);
  return {
    percent: determined > 0 ? round(100 * (enabled / determined)) : null,
    ci95: interval ? [round(100 * interval[0]), round(100 * interval[1])] : null,
    lowerBoundPercent: eligible > 0 ? round(100 * (enabled / eligible)) : null,
    upperBoundPercent: eligible > 0 ? round(100 * ((enabled + undetermined) / eligible)) : null,
  };
}

/** Two decimals: the report's precision. */
export function round(value: number): number {
  return Math.round(value * 100) / 100;
}
