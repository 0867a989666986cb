/**
 * Writes fixtures/tokens.csv: about 1,000 users whose tokens follow the simulator's persona
 * scheme (see fixtures/README.md). Deterministic: the same seed always writes the same file.
 *
 *   node --import tsx scripts/make-fixtures.ts
 */
import { writeFileSync } from 'node:fs';
import { createPrng, prngTokenPart, type Prng } from '../src/simulator/random.js';

const SEED = 20210101;
const GOOD_USERS = 996;
const FAR_FUTURE_ISO = '2099-12-31T23:59:59Z';
const FAR_FUTURE_UNIX = '4102444800';
const PAST_ISO = '2024-01-01T00:00:00Z';

interface Row { user_id: string; access_token: string; refresh_token: string; expires_at: string; region: string; plan: string }

/** How a user's tokens look: persona directives and which tokens the row carries. */
interface Spec { persona: string; tokens: 'both' | 'access' | 'refresh'; expired?: boolean }

/** Every special user, by kind; the rest are plain answers. */
const SPECIALS: Array<[count: number, spec: Spec]> = [
  [12, { persona: 'e106', tokens: 'both' }], [3, { persona: 'e106+apifault', tokens: 'access' }],
  [4, { persona: 'e105', tokens: 'access' }], [1, { persona: 'e105+h200', tokens: 'both' }],
  [2, { persona: 'e108', tokens: 'both' }], [2, { persona: 'e120', tokens: 'access' }],
  [8, { persona: 'e3101', tokens: 'both' }],
  [8, { persona: 'e0x1', tokens: 'both' }], [8, { persona: 'e117x1', tokens: 'access' }],
  [5, { persona: 'isfx1', tokens: 'both' }], [5, { persona: 'html503x1', tokens: 'access' }],
  [4, { persona: 'resetx1', tokens: 'both' }],
  [3, { persona: 'exp', tokens: 'both', expired: true }],
  [2, { persona: 'revoked', tokens: 'refresh' }], [1, { persona: 'idle', tokens: 'refresh' }],
  [1, { persona: 'interaction', tokens: 'refresh' }], [1, { persona: 'oldscope', tokens: 'refresh' }],
  [1, { persona: 'tok503x1', tokens: 'refresh' }],
  [14, { persona: '', tokens: 'refresh' }],
];

const MFA_SHARE_BY_PLAN: Record<string, number> = { free: 0.45, pro: 0.6, enterprise: 0.75 };

function pick<T>(prng: Prng, weighted: Array<[T, number]>): T {
  let roll = prng();
  for (const [value, weight] of weighted) {
    if (roll < weight) return value;
    roll -= weight;
  }
  return weighted[weighted.length - 1]![0];
}

function shuffle<T>(prng: Prng, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(prng() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

function specs(prng: Prng): Spec[] {
  const special = SPECIALS.flatMap(([count, spec]) => Array.from({ length: count }, () => spec));
  const plain = Array.from({ length: GOOD_USERS - special.length }, (): Spec => ({ persona: '', tokens: 'both' }));
  return shuffle(prng, [...special, ...plain]);
}

/** Plain users: a third keyed on the hash, the rest mfa/nomfa with a share that grows with the plan. */
function plainStatus(prng: Prng, plan: string): string {
  if (prng() < 1 / 3) return '';
  return prng() < (MFA_SHARE_BY_PLAN[plan] ?? 0.5) ? 'mfa' : 'nomfa';
}

function expiresAt(prng: Prng, spec: Spec): string {
  if (spec.expired) return PAST_ISO;
  if (spec.tokens === 'refresh') return '';
  return pick(prng, [['', 0.4], [FAR_FUTURE_ISO, 0.45], [FAR_FUTURE_UNIX, 0.15]]);
}

function userRow(prng: Prng, userId: string, spec: Spec): Row {
  const region = pick(prng, [['emea', 0.4], ['amer', 0.4], ['apac', 0.2]]);
  const plan = pick(prng, [['free', 0.5], ['pro', 0.35], ['enterprise', 0.15]]);
  const persona = spec.persona === '' ? plainStatus(prng, plan) : spec.persona;
  const withRefresh = spec.tokens === 'refresh' || (spec.tokens === 'both' && prng() < 0.7) || spec.expired === true;
  return {
    user_id: userId,
    access_token: spec.tokens === 'refresh' ? '' : `at.${persona}.${userId}.${prngTokenPart(prng, 24)}`,
    refresh_token: withRefresh ? `rt.${persona}.${userId}.${prngTokenPart(prng, 32)}` : '',
    expires_at: expiresAt(prng, spec),
    region,
    plan,
  };
}

/** Rows a client must refuse without a request: no user_id, no token, and two duplicate user_ids. */
function badRows(prng: Prng, rows: Row[]): Row[] {
  const anonymous = userRow(prng, 'anon1', { persona: 'mfa', tokens: 'both' });
  const copied = rows[9]!;
  const sameIdOtherTokens = { ...userRow(prng, 'u0020b', { persona: 'nomfa', tokens: 'both' }), user_id: rows[19]!.user_id };
  return [
    { ...anonymous, user_id: '' },
    { user_id: 'u0997', access_token: '', refresh_token: '', expires_at: '', region: 'emea', plan: 'free' },
    { ...copied },
    sameIdOtherTokens,
  ];
}

function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function toCsv(rows: Row[]): string {
  const columns: Array<keyof Row> = ['user_id', 'access_token', 'refresh_token', 'expires_at', 'region', 'plan'];
  const lines = [columns.join(','), ...rows.map((row) => columns.map((column) => csvCell(row[column])).join(','))];
  return lines.join('\n') + '\n';
}

function makeRows(): Row[] {
  const prng = createPrng(SEED);
  const rows = specs(prng).map((spec, index) => userRow(prng, `u${String(index + 1).padStart(4, '0')}`, spec));
  const [emptyId, noToken, duplicate, sameIdOtherTokens] = badRows(prng, rows);
  rows.splice(150, 0, emptyId!);
  rows.splice(400, 0, noToken!);
  rows.splice(600, 0, duplicate!);
  rows.splice(850, 0, sameIdOtherTokens!);
  return rows;
}

const target = new URL('../fixtures/tokens.csv', import.meta.url);
const rows = makeRows();
writeFileSync(target, toCsv(rows));
console.log(`wrote ${rows.length} rows to ${target.pathname}`);
