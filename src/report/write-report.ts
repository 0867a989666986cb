import { dirname, join, basename, extname } from 'node:path';
import { writeFileAtomically } from '../output/atomic-file.js';
import type { RunOptions } from '../job/options.js';
import type { Report } from './build-report.js';
import { appendHistory, historyEntry, readHistory, trendOf } from './history.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';

/** `report.json` → `report.md` beside it. */
export function besidePath(jsonPath: string, extension: string): string {
  return join(dirname(jsonPath), basename(jsonPath, extname(jsonPath)) + extension);
}

/**
 * Writes the report as JSON, Markdown and HTML. With a history file, first sets `report.trend`
 * from it, and after the report is written appends this run as the history's last line.
 */
export async function writeReport(path: string, report: Report, options: Pick<RunOptions, 'history'>): Promise<string[]> {
  const entry = historyEntry(report);
  if (options.history !== undefined) report.trend = trendOf(await readHistory(options.history), entry);
  const markdownPath = besidePath(path, '.md');
  const htmlPath = besidePath(path, '.html');
  await writeFileAtomically(path, [JSON.stringify(report, null, 2) + '\n']);
  await writeFileAtomically(markdownPath, [renderMarkdown(report)]);
  await writeFileAtomically(htmlPath, [renderHtml(report)]);
  if (options.history === undefined) return [path, markdownPath, htmlPath];
  await appendHistory(options.history, entry);
  return [path, markdownPath, htmlPath, options.history];
}
