/**
 * Milliseconds of CPU this process spent on `work`. A budget for work done on the spot ("diffs 5,000 words
 * in under 500 ms") is a budget of CPU: unlike the wall clock, this does not grow while other processes
 * have the machine's cores.
 */
export function cpuMsOf<T>(work: () => T): { ms: number; result: T } {
  const before = process.cpuUsage();
  const result = work();
  const { user, system } = process.cpuUsage(before);
  return { ms: (user + system) / 1_000, result };
}
