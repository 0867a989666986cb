import type { Report } from '../../src/report/build-report.js';

/** The figures a report page shows, read back from its element ids and data attributes. */
export interface PageFigures {
  percent: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  lowerBound: number | null;
  upperBound: number | null;
  eligible: number | null;
  mfaEnabled: number | null;
  mfaDisabled: number | null;
  undetermined: number | null;
  outcomes: Record<string, number>;
  groups: Record<string, { users: number; percent: number | null; ciLow: number | null; ciHigh: number | null; lowerBound: number | null; upperBound: number | null; tooSmall: boolean }>;
  delta?: number | null;
  trendPoints?: number;
}

export function pageFigures(html: string): PageFigures {
  const figures: PageFigures = {
    percent: byId(html, 'percent'),
    ciLow: byId(html, 'ci-low'),
    ciHigh: byId(html, 'ci-high'),
    lowerBound: byId(html, 'lower-bound'),
    upperBound: byId(html, 'upper-bound'),
    eligible: byId(html, 'eligible'),
    mfaEnabled: byId(html, 'mfa-enabled'),
    mfaDisabled: byId(html, 'mfa-disabled'),
    undetermined: byId(html, 'undetermined'),
    outcomes: Object.fromEntries(tagsWith(html, 'data-outcome').map((a) => [a['data-outcome'] ?? '', Number(a['data-count'])])),
    groups: Object.fromEntries(tagsWith(html, 'data-group').map((a) => [a['data-group'] ?? '', groupOf(a)])),
  };
  if (html.includes('id="delta"')) figures.delta = byId(html, 'delta');
  const trend = tagsWith(html, 'data-points')[0];
  if (trend) figures.trendPoints = Number(trend['data-points']);
  return figures;
}

/** The same figures taken from the report JSON. */
export function jsonFigures(report: Report): PageFigures {
  const { adoption: a, users } = report;
  const figures: PageFigures = {
    percent: a.percent,
    ciLow: a.ci95?.[0] ?? null,
    ciHigh: a.ci95?.[1] ?? null,
    lowerBound: a.lowerBoundPercent,
    upperBound: a.upperBoundPercent,
    eligible: users.eligible,
    mfaEnabled: users.mfaEnabled,
    mfaDisabled: users.mfaDisabled,
    undetermined: users.undetermined,
    outcomes: Object.fromEntries(Object.entries(users.byOutcome).filter(([, count]) => count > 0)),
    groups: Object.fromEntries(
      Object.entries(report.groups ?? {}).map(([name, g]) => [
        name,
        { users: g.users, percent: g.adoption.percent, ciLow: g.adoption.ci95?.[0] ?? null, ciHigh: g.adoption.ci95?.[1] ?? null, lowerBound: g.adoption.lowerBoundPercent, upperBound: g.adoption.upperBoundPercent, tooSmall: g.tooSmall },
      ]),
    ),
  };
  if (report.trend) {
    figures.delta = report.trend.deltaPercentPoints;
    figures.trendPoints = report.trend.points.length;
  }
  return figures;
}

function groupOf(a: Record<string, string>): PageFigures['groups'][string] {
  return {
    users: Number(a['data-users']),
    percent: numberOrNull(a['data-percent']),
    ciLow: numberOrNull(a['data-ci-low']),
    ciHigh: numberOrNull(a['data-ci-high']),
    lowerBound: numberOrNull(a['data-lower-bound']),
    upperBound: numberOrNull(a['data-upper-bound']),
    tooSmall: a['data-too-small'] === 'true',
  };
}

/** An element's data-value; null when empty or when the page has no such element. */
function byId(html: string, id: string): number | null {
  const tag = new RegExp(`<[a-z]+ id="${id}"[^>]*>`).exec(html)?.[0];
  return tag === undefined ? null : numberOrNull(attributes(tag)['data-value']);
}

/** The attributes of every opening tag that carries `name`. */
export function tagsWith(html: string, name: string): Record<string, string>[] {
  return [...html.matchAll(new RegExp(`<[a-z]+ [^>]*\\b${name}="[^>]*>`, 'g'))].map((m) => attributes(m[0]));
}

function attributes(tag: string): Record<string, string> {
  return Object.fromEntries([...tag.matchAll(/([\w-]+)="([^"]*)"/g)].map((m) => [m[1], unescape(m[2] ?? '')]));
}

/** One pass, so `&#38;amp;` decodes to `&amp;`, not `&`. */
function unescape(text: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"' };
  return text.replace(/&(?:#(\d+)|(amp|lt|gt|quot));/g, (_, code: string | undefined, name: string | undefined) => (code ? String.fromCharCode(Number(code)) : (named[name ?? ''] ?? '')));
}

function numberOrNull(text: string | undefined): number | null {
  return text === undefined || text === '' ? null : Number(text);
}
