import { cpus } from 'node:os';
import type { Figure } from './figures.js';

export interface Section {
  title: string;
  figures: Figure[];
}

const verdict = (figure: Figure) => (figure.met ? 'met' : 'MISSED');

/** The table for the terminal: fixed-width columns. */
export function textTable(sections: Section[]): string {
  const rows = sections.flatMap((section, i) => section.figures.map((f) => [`${i + 1}`, f.name, f.measured, f.target, verdict(f)]));
  const header = ['#', 'figure', 'measured', 'target', ''];
  const widths = header.map((_, column) => Math.max(...[header, ...rows].map((row) => (row[column] ?? '').length)));
  const line = (row: string[]) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n') + '\n';
}

/** bench/results.md: the table, then what each ratio was measured from. */
export interface RunFacts {
  startedAt: Date;
  durationMs: number;
  /** One-minute load average when the bench started and when it ended. */
  load: readonly [number, number];
}

export function markdownReport(sections: Section[], { startedAt, durationMs, load }: RunFacts): string {
  const rows = sections.flatMap((section, i) => section.figures.map((f) => `| ${i + 1} | ${f.name} | ${f.measured} | ${f.target} | ${verdict(f)} |`));
  const note = (f: Figure) => `   - ${f.name}: ${f.detail}${!f.met && f.limit ? `. Missed: ${f.limit}` : ''}`;
  const notes = sections.flatMap((section, i) => [`${i + 1}. **${section.title}**`, ...section.figures.map(note)]);
  const cpu = cpus();
  return [
    '# Benchmark results',
    '',
    `Written by \`npm run bench\` on ${startedAt.toISOString()} in ${(durationMs / 1000).toFixed(0)} s: Node ${process.version}, ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ` +
      `load average ${load[0].toFixed(2)} at the start and ${load[1].toFixed(2)} at the end. ` +
      'Each figure is a ratio of two measurements taken in this same run against the simulator on loopback (in a process of its own); ' +
      'absolute times on a shared machine are noise. What the figures mean: [docs/performance.md](../docs/performance.md).',
    '',
    '| # | figure | measured | target | |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    '## Measured from',
    '',
    ...notes,
    '',
  ].join('\n');
}
