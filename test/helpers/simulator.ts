import type { TestContext } from 'node:test';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator/server.js';

/** A simulator for this test, closed after it. */
export async function simulatorFor(t: TestContext, options: SimulatorOptions = {}): Promise<Simulator> {
  const sim = await startSimulator(options);
  t.after(() => sim.close());
  return sim;
}
