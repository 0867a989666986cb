import { onStop } from './on-stop.js';

/** Time, passed in so that tests never wait real seconds. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, or early (without rejecting) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted || ms <= 0) return resolve();
      const done = () => {
        clearTimeout(timer);
        forget?.();
        resolve();
      };
      const timer = setTimeout(done, ms);
      // Not a listener per sleep: hundreds of users may back off at once on the run's signal.
      const forget = signal && onStop(signal, done);
    }),
};
