import type { Answer } from './answer.js';
import type { PostFailure } from './http.js';

/** A request that produced no usable HTTP response, as an Answer. */
export function failureAnswer(failure: PostFailure): Answer {
  switch (failure.failed) {
    case 'oversized':
    case 'undecodable':
      return { kind: 'protocol', problem: failure.problem, garbled: false };
    case 'timeout':
      return { kind: 'network', problem: failure.problem, timedOut: true };
    default:
      return { kind: 'network', problem: failure.problem, timedOut: false };
  }
}
