/**
 * A request's abort signal, fired by its own timer (the --timeout deadline) or by the run's
 * stop signal. A fifth of the CPU of AbortSignal.timeout + AbortSignal.any, which shows at
 * thousands of requests a second; and the run's signal gets one listener in all, not one per
 * request in flight (which Node reports as a possible leak past ten).
 */
export class Deadline {
  readonly signal: AbortSignal;
  expired = false;
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;

  constructor(
    ms: number,
    private readonly outer?: AbortSignal,
  ) {
    this.signal = this.controller.signal;
    this.timer = setTimeout(() => {
      this.expired = true;
      this.controller.abort();
    }, ms);
    if (outer?.aborted) this.controller.abort();
    else if (outer) followersOf(outer).add(this.controller);
  }

  /** Call when the request is over, whichever way. */
  clear(): void {
    clearTimeout(this.timer);
    if (this.outer) followersOf(this.outer).delete(this.controller);
  }
}

const followers = new WeakMap<AbortSignal, Set<AbortController>>();

function followersOf(outer: AbortSignal): Set<AbortController> {
  let set = followers.get(outer);
  if (set === undefined) {
    const created = new Set<AbortController>();
    outer.addEventListener('abort', () => created.forEach((controller) => controller.abort()), { once: true });
    followers.set(outer, created);
    set = created;
  }
  return set;
}
