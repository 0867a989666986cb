import type { Answer } from './answer.js';

const REDACTED = '[redacted]';

/**
 * Removes what the request carried (the user's access token, the developer token) from every
 * text of an answer. A service or proxy that echoes its request in a fault message or a
 * tracking id must not put tokens into the results or the logs.
 */
export function scrubAnswer(answer: Answer, sent: readonly string[]): Answer {
  const secrets = sent.filter((secret) => secret.length >= 4);
  let scrubbed: Answer | undefined;
  for (const [key, value] of Object.entries(answer)) {
    if (typeof value !== 'string' || !secrets.some((secret) => value.includes(secret))) continue;
    scrubbed ??= { ...answer };
    (scrubbed as unknown as Record<string, string>)[key] = secrets.reduce((text, secret) => text.split(secret).join(REDACTED), value);
  }
  return scrubbed ?? answer;
}
