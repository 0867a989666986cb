import { Writable } from 'node:stream';

const CLEAR_LINE = '\r\x1b[K';

/**
 * A status line kept at the bottom of a terminal. Log lines written through `stream` appear
 * above it: the line is cleared, the log line written, the status drawn again.
 */
export class LiveLine {
  private text = '';
  readonly stream: Writable;

  constructor(private readonly terminal: Writable) {
    this.stream = new Writable({
      decodeStrings: false,
      write: (chunk: string | Buffer, _encoding, done) => {
        this.terminal.write(CLEAR_LINE + String(chunk) + this.text);
        done();
      },
    });
  }

  show(text: string): void {
    this.text = text;
    this.terminal.write(CLEAR_LINE + text);
  }

  /** Removes the status line, leaving the cursor at the start of an empty line. */
  finish(): void {
    if (this.text !== '') this.terminal.write(CLEAR_LINE);
    this.text = '';
  }
}
