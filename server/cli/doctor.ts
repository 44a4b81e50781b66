/**
 * Checks the whole store the server's configuration names (DATABASE_URL, else DATA_DIR) and reports:
 *   npm run doctor
 * - the database's own integrity check (SQLite: PRAGMA integrity_check);
 * - every story's stored log, row by row, as the server would load it: rows that do not decode, or
 *   that cannot be placed because they build on content the store does not have (logTriage);
 * - the quarantine: rows the server already moved out of stories' logs, and whether an admin has
 *   reviewed them ("Damaged stories" in the app).
 * It changes no stored data (opening the store, as the server does, only brings its schema up to date):
 * it repairs nothing, and the server quarantines damaged rows when it next opens the story.
 * Exit status: 0 healthy, 1 problems found, 2 the check could not run.
 */
import { ConfigError, loadConfig } from '../config';
import { triageLog } from '../documents/logTriage';
import { describeStore, openStore, StoreNotFoundError } from '../persistence/openStore';
import type { DamagedRow, QuarantineEntry, Store } from '../persistence/Store';

const EXIT = { healthy: 0, problems: 1, couldNotRun: 2 } as const;

/** SQLite's codes for a file that is not a database or whose pages are damaged: a finding, not a failure to run. */
const DAMAGED_FILE_CODES = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB']);

type StoryFinding = { storyId: string; headline: string; damaged: DamagedRow[]; error?: string };

type Findings = {
  integrity: string[] | null;
  /** Reading the store stopped at a damaged page (SQLite): what it said. */
  unreadable: string | null;
  stories: number;
  rows: number;
  damagedStories: StoryFinding[];
  quarantine: QuarantineEntry[];
  headlines: Map<string, string>;
};

async function main(): Promise<number> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    return EXIT.couldNotRun;
  }
  const where = describeStore(config);
  let store: Store;
  try {
    store = await openStore(config);
  } catch (error) {
    if (isDamagedFile(error)) {
      console.log(
        `Galley doctor: ${where}\n\nThe database file is damaged and cannot be opened: ${messageOf(error)}\nRestore it from a backup.`,
      );
      return EXIT.problems;
    }
    console.error(error instanceof StoreNotFoundError ? error.message : `Could not open ${where}: ${messageOf(error)}`);
    return EXIT.couldNotRun;
  }
  try {
    const findings = await examine(store);
    const problems = report(where, findings);
    return problems > 0 ? EXIT.problems : EXIT.healthy;
  } finally {
    await store.close();
  }
}

async function examine(store: Store): Promise<Findings> {
  const integrity = await store.integrityCheck();
  const findings: Findings = { integrity, unreadable: null, stories: 0, rows: 0, damagedStories: [], quarantine: [], headlines: new Map() };
  try {
    await examineStories(store, findings);
    findings.quarantine = await store.listQuarantine();
  } catch (error) {
    if (!isDamagedFile(error)) throw error;
    findings.unreadable = messageOf(error);
  }
  return findings;
}

async function examineStories(store: Store, findings: Findings): Promise<void> {
  const listings = await store.listStories();
  findings.stories = listings.length;
  findings.headlines = new Map(listings.map((s) => [s.id, s.headline]));
  const { damagedStories } = findings;
  // One story at a time: memory follows the largest story, not the store.
  for (const { id, headline } of listings) {
    try {
      const log = await store.loadLog(id);
      findings.rows += log.updates.length + (log.snapshot ? 1 : 0);
      const { damaged } = triageLog(log);
      if (damaged.length > 0) damagedStories.push({ storyId: id, headline, damaged });
    } catch (error) {
      damagedStories.push({ storyId: id, headline, damaged: [], error: messageOf(error) });
    }
  }
}

/** Prints the report; returns how many problems it found. */
function report(where: string, findings: Findings): number {
  const { integrity, damagedStories, quarantine, headlines } = findings;
  const lines = [`Galley doctor: ${where}`, ''];
  let problems = 0;

  if (integrity === null)
    lines.push('Database integrity: not checked (Postgres has no whole-database check; use data checksums or amcheck).');
  else if (integrity.length === 0) lines.push('Database integrity (PRAGMA integrity_check): ok');
  else {
    problems += integrity.length;
    lines.push(`Database integrity (PRAGMA integrity_check): ${plural(integrity.length, 'problem')}`, ...integrity.map((p) => `  ✗ ${p}`));
  }

  if (findings.unreadable) {
    problems++;
    lines.push('', `The database file is damaged; reading it stopped: ${findings.unreadable}. Restore it from a backup.`);
  }

  const damagedRows = damagedStories.reduce((sum, s) => sum + s.damaged.length + (s.error ? 1 : 0), 0);
  problems += damagedRows;
  lines.push(
    '',
    `Stories: ${plural(findings.stories, 'story', 'stories')} checked, ${plural(findings.rows, 'stored row')}, ${damagedRows === 0 ? 'all readable' : `${plural(damagedRows, 'damaged row')}`}`,
  );
  for (const story of damagedStories) {
    lines.push(`  ✗ ${title(story.headline)} (${story.storyId})`);
    if (story.error) lines.push(`      could not be read: ${story.error}`);
    for (const row of story.damaged) lines.push(`      ${row.kind === 'update' ? `update row ${row.seq}` : 'snapshot'}: ${row.reason}`);
  }
  if (damagedStories.length > 0) lines.push('  The server quarantines these rows the next time it opens each story.');

  const unreviewed = quarantine.filter((q) => q.resolvedAt === null);
  problems += unreviewed.length;
  const stories = new Set(quarantine.map((q) => q.storyId));
  lines.push(
    '',
    quarantine.length === 0
      ? 'Quarantine: empty'
      : `Quarantine: ${plural(quarantine.length, 'row')} of ${plural(stories.size, 'story', 'stories')}, ${unreviewed.length} not reviewed`,
  );
  for (const storyId of stories) {
    lines.push(`  ${title(headlines.get(storyId) ?? '')} (${storyId})`);
    for (const q of quarantine.filter((e) => e.storyId === storyId)) {
      const what = q.kind === 'update' ? `update row ${q.seq}` : 'snapshot';
      const state = q.resolvedAt ? `reviewed ${q.resolvedAt} by ${q.resolvedBy ?? 'an admin'}` : 'not reviewed';
      lines.push(`    ${q.resolvedAt ? '·' : '✗'} ${what} (${plural(q.bytes, 'byte')}), found ${q.foundAt}: ${q.reason}; ${state}`);
    }
  }
  if (unreviewed.length > 0) lines.push('  An admin reviews them under "Damaged stories" in the app.');

  lines.push('', problems === 0 ? 'Healthy: no problems found.' : `${plural(problems, 'problem')} found.`);
  console.log(lines.join('\n'));
  return problems;
}

const isDamagedFile = (error: unknown) => DAMAGED_FILE_CODES.has((error as { code?: string }).code ?? '');
const title = (headline: string) => (headline ? `“${headline}”` : 'Untitled story');
const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`The check could not run: ${messageOf(error)}`);
    process.exitCode = EXIT.couldNotRun;
  },
);
