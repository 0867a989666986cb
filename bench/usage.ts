import type { Measurement } from './protocol.js';

/** Starts a measurement of this process: call the returned function when the work is done. */
export function startMeasuring(): (requests: number, exitCode?: number) => Measurement {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  return (requests, exitCode) => {
    const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
    const used = process.cpuUsage(cpu);
    return {
      wallMs,
      cpuMs: (used.user + used.system) / 1000,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      exitCode,
      requests,
    };
  };
}

/** Sends the measurement to the parent and ends the child. */
export function report(measurement: Measurement): void {
  process.send?.(measurement, () => process.exit(0));
}
