/**
 * `npm run bench`: the five figures of issue 7 against the simulator on loopback. Prints a
 * table and writes bench/results.md. Inputs are generated into a temporary folder, removed
 * at the end. `npm run bench -- overhead memory` runs only those steps and writes no file.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { latencyBound, memory, overhead, rateAccuracy, sequentialBaseline, type Figure } from './figures.js';
import { markdownReport, textTable, type Section } from './table.js';

const STEPS: Array<[name: string, title: string, measure: (folder: string) => Promise<Figure[]>]> = [
  ['overhead', 'Overhead against a bare undici loop', (folder) => overhead(folder)],
  ['rate', 'Rate accuracy', async (folder) => [...(await rateAccuracy(folder, 10)), ...(await rateAccuracy(folder, 100))]],
  ['latency', 'Latency-bound', (folder) => latencyBound(folder)],
  ['memory', 'Memory', (folder) => memory(folder)],
  ['sequential', 'Sequential baseline', (folder) => sequentialBaseline(folder)],
];

const only = process.argv.slice(2);
const unknown = only.filter((name) => !STEPS.some(([step]) => step === name));
if (unknown.length > 0) throw new Error(`unknown step ${unknown.join(', ')}; steps: ${STEPS.map(([step]) => step).join(', ')}`);

const startedAt = new Date();
const loadBefore = loadavg()[0] ?? 0;
const folder = await mkdtemp(join(tmpdir(), 'mfa-adoption-bench-'));
const sections: Section[] = [];
try {
  for (const [name, title, measure] of STEPS) {
    if (only.length > 0 && !only.includes(name)) continue;
    process.stderr.write(`bench: ${title}…\n`);
    const figures = await measure(folder);
    for (const figure of figures) process.stderr.write(`  ${figure.name}: ${figure.measured} (target ${figure.target}); ${figure.detail}\n`);
    sections.push({ title, figures });
  }
} finally {
  await rm(folder, { recursive: true, force: true });
}
process.stdout.write(`\n${textTable(sections)}`);
if (only.length === 0) {
  const resultsPath = fileURLToPath(new URL('./results.md', import.meta.url));
  const run = { startedAt, durationMs: Date.now() - startedAt.getTime(), load: [loadBefore, loadavg()[0] ?? 0] as const };
  await writeFile(resultsPath, markdownReport(sections, run));
  process.stdout.write(`wrote ${resultsPath}\n`);
}
