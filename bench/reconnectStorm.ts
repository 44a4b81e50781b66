/**
 * Reconnect storm benchmark: 500 headless editors (the app's socket, provider and reconnect policy) on 50
 * stories; the server (a child process) is killed with SIGKILL, stays down 2 s, and restarts on the same
 * port while every editor has typed something offline. How many try to connect in any one second after
 * it listens again, how many attempts failed while it was down, how long until all are back, and whether
 * every offline edit is stored exactly once. Target (issue 14): at most 20 % in any second, all back
 * within 5.9 s, nothing lost.
 *   npm run bench:reconnect [-- --runs 2 --clients 500 --stories 50 --down-ms 2000]
 */
import { parseArgs } from 'node:util';
import { attemptsPerSecond, peakInWindow, runReconnectStorm, type StormResult } from '../tests/helpers/reconnectStorm';
import { killAllServerProcesses } from '../tests/helpers/serverProcess';

const MAX_SHARE_PER_SECOND = 0.2;
const MAX_RECOVERY_MS = 5_900;

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '2' },
    clients: { type: 'string', default: '500' },
    stories: { type: 'string', default: '50' },
    'down-ms': { type: 'string', default: '2000' },
  },
});
const runs = Number(values.runs);
const clients = Number(values.clients);
const stories = Number(values.stories);
const downMs = Number(values['down-ms']);

type Row = {
  outageMs: number;
  slidingPeak: number;
  secondPeak: number;
  firstSecond: number;
  failedAttempts: number;
  recoveryMs: number;
  lost: number;
  duplicated: number;
};

function summarize(storm: StormResult): Row {
  const perSecond = attemptsPerSecond(storm.attempts);
  return {
    outageMs: storm.outageMs,
    slidingPeak: peakInWindow(storm.attempts),
    secondPeak: Math.max(0, ...perSecond),
    firstSecond: perSecond[0] ?? 0,
    failedAttempts: storm.failedAttempts,
    recoveryMs: Math.max(...storm.backAfterMs),
    lost: storm.storedCopies.filter((copies) => copies === 0).length,
    duplicated: storm.storedCopies.filter((copies) => copies > 1).length,
  };
}

const share = (count: number) => `${count} (${((100 * count) / clients).toFixed(1)} %)`;

async function main() {
  const rows: Row[] = [];
  for (let run = 0; run < runs; run++) {
    const row = summarize(await runReconnectStorm({ clients, stories, downMs }));
    rows.push(row);
    console.error(`run ${run + 1}: ${JSON.stringify(row)}`);
  }
  console.log(`\nReconnect storm: ${clients} editors on ${stories} stories, SIGKILL, restart ${downMs / 1000} s later on the same port\n`);
  const columns = [
    'run',
    'down (kill → listening)',
    'most attempts in any 1 s after restart (sliding)',
    'most in one calendar second',
    'in the first second',
    'failed attempts while down',
    'all back after restart',
    'edits lost / duplicated',
  ];
  console.log(`| ${columns.join(' | ')} |`);
  console.log(
    `|---|${columns
      .slice(1)
      .map(() => '---:')
      .join('|')}|`,
  );
  rows.forEach((r, i) => {
    const cells = [
      i + 1,
      `${(r.outageMs / 1000).toFixed(1)} s`,
      share(r.slidingPeak),
      share(r.secondPeak),
      share(r.firstSecond),
      r.failedAttempts.toLocaleString('en'),
      `${(r.recoveryMs / 1000).toFixed(2)} s`,
      `${r.lost} / ${r.duplicated}`,
    ];
    console.log(`| ${cells.join(' | ')} |`);
  });
  const met = rows.every(
    (r) => r.slidingPeak <= clients * MAX_SHARE_PER_SECOND && r.recoveryMs <= MAX_RECOVERY_MS && r.lost + r.duplicated === 0,
  );
  console.log(
    `\nTarget: ≤ ${MAX_SHARE_PER_SECOND * 100} % in any second, all back within ${MAX_RECOVERY_MS / 1000} s, nothing lost — ${met ? 'met' : 'NOT met'}\n`,
  );
  process.exit(met ? 0 : 1);
}

main().catch((error) => {
  console.error(error);
  killAllServerProcesses();
  process.exit(2);
});
