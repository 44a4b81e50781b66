/**
 * Summarises a V8 CPU profile (from `node --cpu-prof`, e.g. `BENCH_PROFILE_DIR=dir npm run bench`):
 * self time by package and by function, so a report can say where a server's time goes.
 *   npx tsx bench/profileSummary.ts file.cpuprofile [--top 25] [--skip 3]
 * `--skip S` leaves out the first S seconds (start-up: module loading and compilation).
 */
import fs from 'node:fs';

type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number; children?: number[] };
type Profile = { nodes: Node[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] };

const file = process.argv[2];
const topIndex = process.argv.indexOf('--top');
const top = topIndex > 0 ? Number(process.argv[topIndex + 1]) : 25;
const skipIndex = process.argv.indexOf('--skip');
const skipMicros = skipIndex > 0 ? Number(process.argv[skipIndex + 1]) * 1e6 : 0;
if (!file) throw new Error('usage: profileSummary.ts file.cpuprofile [--top N]');
const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfMicros = new Map<number, number>();
let at = 0;
profile.samples.forEach((id, i) => {
  at += profile.timeDeltas[i] ?? 0;
  if (at >= skipMicros) selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
});

/** Which package (or Node internal, or Galley's own code) a frame belongs to. */
function area(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native)';
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inModules) return inModules[1];
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const own = /\/(server|shared|bench|client)\//.exec(url);
  return own ? `galley ${own[1]}/` : url;
}

const total = [...selfMicros.values()].reduce((a, b) => a + b, 0);
const areas = new Map<string, number>();
const functions = new Map<string, number>();
for (const [id, micros] of selfMicros) {
  const { callFrame } = byId.get(id)!;
  const where = area(callFrame.url, callFrame.functionName);
  areas.set(where, (areas.get(where) ?? 0) + micros);
  const key = `${callFrame.functionName || '(anonymous)'} ${where}${callFrame.url ? `:${callFrame.lineNumber + 1}` : ''}`;
  functions.set(key, (functions.get(key) ?? 0) + micros);
}

const table = (title: string, rows: Map<string, number>) => {
  console.log(`\n| ${title} | self ms | share |\n|---|---|---|`);
  for (const [name, micros] of [...rows].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`| ${name.replaceAll('|', '\\|')} | ${(micros / 1000).toFixed(1)} | ${((100 * micros) / total).toFixed(1)} % |`);
  }
};
console.log(`${file}: ${(total / 1000).toFixed(0)} ms sampled over ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s`);
table('area', areas);
table('function', functions);
