import type { Answer } from './answer.js';

const REDACTED = '[redacted]';

/**
 * Removes what the request carried (the user's access token, the developer token) from every
 * text of an answer. A service or proxy that echoes its request in a fault message or a
 * tracking id must not put tokens into the results or the logs.
 */
export function scrubAnswer(answer: Answer, sent: readonly string[]): Answer {
  if (answer.kind === 'status' && !sent.some((secret) => answer.trackingId?.includes(secret))) return answer;
  let scrubbed: Record<string, unknown> | undefined;
  for (const key of Object.keys(answer)) {
    const value = (answer as Record<string, unknown>)[key];
    if (typeof value !== 'string') continue;
    for (const secret of sent) {
      if (secret.length < 4 || !value.includes(secret)) continue;
      scrubbed ??= { ...answer };
      scrubbed[key] = (scrubbed[key] as string).split(secret).join(REDACTED);
    }
  }
  return (scrubbed as Answer | undefined) ?? answer;
}
