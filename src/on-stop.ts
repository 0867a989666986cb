/**
 * Runs `callback` when `signal` aborts; returns the function that forgets it. The signal gets
 * one listener in all, however many requests wait on it (a listener per request in flight
 * makes Node warn about a possible leak past ten).
 */
export function onStop(signal: AbortSignal, callback: () => void): () => void {
  const callbacks = callbacksOf(signal);
  callbacks.add(callback);
  return () => callbacks.delete(callback);
}

const registry = new WeakMap<AbortSignal, Set<() => void>>();

function callbacksOf(signal: AbortSignal): Set<() => void> {
  let callbacks = registry.get(signal);
  if (callbacks === undefined) {
    const created = new Set<() => void>();
    signal.addEventListener('abort', () => created.forEach((callback) => callback()), { once: true });
    registry.set(signal, created);
    callbacks = created;
  }
  return callbacks;
}
