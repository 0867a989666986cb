import { dirname, join, basename, extname } from 'node:path';
import { writeFileAtomically } from '../output/atomic-file.js';
import type { RunOptions } from '../job/options.js';
import type { Report } from './build-report.js';
import { renderMarkdown } from './markdown.js';

/** `report.json` → `report.md` beside it. */
export function besidePath(jsonPath: string, extension: string): string {
  return join(dirname(jsonPath), basename(jsonPath, extname(jsonPath)) + extension);
}

export async function writeReport(path: string, report: Report, _options: Pick<RunOptions, 'history'>): Promise<string[]> {
  const markdownPath = besidePath(path, '.md');
  await writeFileAtomically(path, [JSON.stringify(report, null, 2) + '\n']);
  await writeFileAtomically(markdownPath, [renderMarkdown(report)]);
  return [path, markdownPath];
}
