/** The contract's column names; others are kept only for --group-by. */
export const KNOWN_COLUMNS = ['user_id', 'access_token', 'refresh_token', 'expires_at'] as const;
export type KnownColumn = (typeof KNOWN_COLUMNS)[number];

export interface ColumnIndex {
  header: string[];
  userId: number;
  accessToken: number;
  refreshToken: number;
  expiresAt: number;
  groupBy: number;
}

/**
 * Finds the columns in a header row, case-insensitively, after applying the user's renames
 * (`--column user_id=Email`). Returns a problem string when the header cannot be used.
 */
export function indexColumns(
  header: string[],
  renames: Record<string, string>,
  groupBy: string | undefined,
): ColumnIndex | string {
  const names = header.map((name) => name.trim().toLowerCase());
  const twice = names.find((name, i) => name !== '' && names.indexOf(name) !== i);
  if (twice !== undefined) return `column "${twice}" appears twice in the header`;
  const find = (column: string) => names.indexOf((renames[column] ?? column).toLowerCase());
  const index: ColumnIndex = {
    header,
    userId: find('user_id'),
    accessToken: find('access_token'),
    refreshToken: find('refresh_token'),
    expiresAt: find('expires_at'),
    groupBy: groupBy === undefined ? -1 : names.indexOf(groupBy.toLowerCase()),
  };
  if (index.userId < 0) return missing(renames.user_id ?? 'user_id', header);
  if (index.accessToken < 0 && index.refreshToken < 0) {
    return 'no access_token or refresh_token column: at least one is required';
  }
  if (groupBy !== undefined && index.groupBy < 0) return `--group-by: no column "${groupBy}" in the header`;
  return index;
}

function missing(column: string, header: string[]): string {
  const hint = header.length === 1 && /[;\t|]/.test(header[0] ?? '') ? ' (is the file comma-separated?)' : '';
  return `no "${column}" column in the header${hint}`;
}

/** ISO 8601 or Unix seconds → epoch ms; undefined when empty; NaN when unreadable. */
export function parseExpiry(value: string | undefined): number | undefined {
  const text = value?.trim() ?? '';
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  return /^\d{4}-\d\d-\d\d/.test(text) ? Date.parse(text) : Number.NaN;
}
