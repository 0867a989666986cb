/**
 * Spreadsheet formula neutralisation (OWASP CSV injection): a cell starting with = + - @ tab
 * or CR gets a leading apostrophe. Cells already starting with an apostrophe get one too, so
 * that `restoreCell` can undo it exactly.
 */
const RISKY = /^[=+\-@\t\r']/;

export function neutraliseCell(value: string): string {
  return RISKY.test(value) ? `'${value}` : value;
}

export function restoreCell(value: string): string {
  return value.startsWith("'") ? value.slice(1) : value;
}
