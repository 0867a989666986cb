/** The three HTTP-date forms (RFC 9110 §5.6.7) all name the month. */
const HTTP_DATE = /^[A-Za-z]{3,9},? .*\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b/;

/**
 * Parses an HTTP Retry-After header: delta-seconds or an HTTP date (always GMT, also the
 * asctime form that does not say so). Returns milliseconds to wait (≥ 0), or undefined when
 * absent or unreadable, so the caller falls back to its own wait. Pure: `now` is passed in.
 */
export function retryAfterMs(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  if (!HTTP_DATE.test(value)) return undefined;
  const date = Date.parse(/\bGMT$/.test(value) ? value : `${value} GMT`);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
