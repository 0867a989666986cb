import { randomBytes, randomUUID } from 'node:crypto';

/** A seeded pseudo-random generator returning floats in [0, 1). */
export type Prng = () => number;

/** mulberry32: tiny, fast, and the same sequence for the same seed on every platform. */
export function createPrng(seed: number): Prng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An unguessable URL-safe string, for the random part of issued tokens. */
export function randomTokenPart(): string {
  return randomBytes(12).toString('base64url');
}

export function newTrackingId(): string {
  return randomUUID();
}

/** A deterministic URL-safe string drawn from a seeded generator (fixtures). */
export function prngTokenPart(prng: Prng, length = 16): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let text = '';
  for (let i = 0; i < length; i++) text += alphabet[Math.floor(prng() * alphabet.length)];
  return text;
}
