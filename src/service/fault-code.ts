/**
 * An API error code as the service sends it: an int, or its decimal text ("105", " 117 ").
 * Anything else (empty, null, "0x69", "1e2") is no code at all: never read as 0, which means
 * InternalError and would be retried.
 */
export function parseFaultCode(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value !== 'string' || !/^\s*-?\d{1,9}\s*$/.test(value)) return undefined;
  return Number(value.trim());
}
