/**
 * The error taxonomy. Every error the job raises on purpose carries a stable `code` and the
 * exit code the contract gives it; anything else reaching the CLI is a bug (exit 1).
 * Messages are one line: what happened, where, and what to do next. They never hold a secret.
 */
export class MfaAdoptionError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly exitCode: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad flags or an unusable configuration: nothing was sent. */
export class UsageError extends MfaAdoptionError {
  constructor(message: string) {
    super(message, 'E_USAGE', 2);
  }
}

/** The token CSV cannot be used at all; `file:line: problem`. Nothing was sent. */
export class InputError extends MfaAdoptionError {
  constructor(
    readonly file: string,
    readonly line: number,
    problem: string,
  ) {
    super(`${file}:${line}: ${problem}`, 'E_INPUT', 2);
  }
}

/** The service or the token endpoint refused the application's own configuration. */
export class ConfigRefusedError extends MfaAdoptionError {
  constructor(message: string) {
    super(message, 'E_CONFIG_REFUSED', 78);
  }
}

/** Another run holds the lock on this results file. */
export class LockedError extends MfaAdoptionError {
  constructor(message: string) {
    super(message, 'E_LOCKED', 75);
  }
}
