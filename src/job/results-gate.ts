import type { ResultRow } from '../output/result-row.js';
import type { ResultsJournal } from '../output/results-journal.js';
import { ConfigBreaker, isConfigCode } from './config-breaker.js';

/**
 * Between check-user and the journal: rows that might prove the configuration wrong for
 * everyone (105/106 before any success) are held until the breaker decides; at most
 * BREAKER_THRESHOLD of them. If it trips they are dropped, so that after fixing the developer
 * token a --resume checks those users again. Every other row is written at once.
 */
export class ResultsGate {
  private readonly breaker = new ConfigBreaker();
  private held: ResultRow[] = [];
  private open = false;
  tripped: string | undefined;

  constructor(
    private readonly journal: ResultsJournal,
    private readonly groupColumn: string | undefined,
    private readonly onRow: (row: ResultRow) => void,
  ) {}

  record(row: ResultRow): void {
    if (this.tripped) return;
    if (!this.open) {
      this.tripped = this.breaker.observe(row.userId, { outcome: row.outcome, action: 'done', errorCode: row.errorCode });
      if (this.tripped) return void (this.held = []);
      if (this.breaker.isSettled) this.release();
      else if (isConfigCode(row.errorCode)) return void this.held.push(row);
    }
    this.write(row);
  }

  /** At the end of a run too small to settle the breaker, the held rows are real results. */
  release(): void {
    this.open = true;
    for (const row of this.held) this.write(row);
    this.held = [];
  }

  private write(row: ResultRow): void {
    this.journal.append(row, this.groupColumn);
    this.onRow(row);
  }
}
