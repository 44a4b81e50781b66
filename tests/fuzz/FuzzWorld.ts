/**
 * The target of a fuzz run: the real server as a child process (so a crash is a dead process and
 * its memory can be read), its own SQLite data dir with four accounts and two stories made before it
 * starts, session cookies, and the two honest editors in the honest story.
 */
import fs from 'node:fs';
import { createAccount } from '../../server/auth/accounts';
import { SqliteStore } from '../../server/persistence/sqlite/SqliteStore';
import { newDraft } from '../../server/workflow/workflowState';
import type { Role } from '../../shared/roles';
import { type ServerProcess, startServerProcess } from '../helpers/serverProcess';
import { signIn, tempDataDir, type TestUser } from '../helpers/testServer';
import { HonestEditors } from './honestEditors';
import { type Identity, STORY_IDS } from './targets';

type Account = 'ana' | 'ben' | 'writer' | 'viewer';

const ACCOUNTS: Record<Account, { name: string; role: Role }> = {
  ana: { name: 'Honest Ana', role: 'writer' },
  ben: { name: 'Honest Ben', role: 'writer' },
  writer: { name: 'Fuzz Writer', role: 'writer' },
  viewer: { name: 'Fuzz Viewer', role: 'viewer' },
};

const PASSWORD = 'fuzzing is not a password';

/** Resident memory of a process, in kB: now, and the peak since the last `resetPeak`. */
type Memory = { rssKb: number; peakKb: number };

export class FuzzWorld {
  /** When the server process exited, if it has. */
  exitedAt: number | null = null;
  /** False where /proc/<pid>/clear_refs cannot reset the peak: memory is then only sampled. */
  readonly peakResettable: boolean;
  /**
   * Resident memory the ceiling counts from: after start, then after the first batch that passed. The
   * first hostile frames of each kind load and compile code paths no start-up touches (30-40 MB under
   * tsx), which is warming up, not growth.
   */
  baseline: Memory;
  #warm = false;

  private constructor(
    readonly dataDir: string,
    readonly server: ServerProcess,
    readonly users: Record<Account, TestUser>,
    readonly honest: HonestEditors,
  ) {
    server.child.once('exit', () => (this.exitedAt = Date.now()));
    this.peakResettable = this.resetPeak();
    this.baseline = this.memory();
  }

  static async start(): Promise<FuzzWorld> {
    const dataDir = tempDataDir();
    const store = SqliteStore.open(dataDir);
    const records = Object.fromEntries(
      await Promise.all(
        (Object.keys(ACCOUNTS) as Account[]).map(async (key) => {
          const { name, role } = ACCOUNTS[key];
          const email = `${key}@fuzz.test`;
          return [key, { ...(await createAccount(store, { email, name, role, password: PASSWORD })), email }] as const;
        }),
      ),
    );
    const now = new Date().toISOString();
    for (const id of [STORY_IDS.honest, STORY_IDS.sandbox]) await store.createStory({ ...newDraft(id, records.ana, now) });
    await store.close();
    const server = await startServerProcess({ DATA_DIR: dataDir });
    try {
      const users = Object.fromEntries(
        await Promise.all(
          (Object.keys(ACCOUNTS) as Account[]).map(async (key) => {
            const { id, email, name, role } = records[key];
            return [key, { id, email, name, role, password: PASSWORD, cookie: await signIn(server.url, email, PASSWORD) }] as const;
          }),
        ),
      ) as Record<Account, TestUser>;
      const honest = await HonestEditors.join(server.url, users.ana, users.ben);
      return new FuzzWorld(dataDir, server, users, honest);
    } catch (error) {
      await server.kill();
      fs.rmSync(dataDir, { recursive: true, force: true });
      throw error;
    }
  }

  get url(): string {
    return this.server.url;
  }

  get alive(): boolean {
    return this.server.child.exitCode === null && this.server.child.signalCode === null;
  }

  /** The session cookie a fuzz identity connects with (none for anonymous). */
  cookieOf(identity: Identity): string | undefined {
    return identity === 'anonymous' ? undefined : this.users[identity].cookie;
  }

  memory(): Memory {
    const status = fs.readFileSync(`/proc/${this.server.child.pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
    return { rssKb: kb('VmRSS'), peakKb: kb('VmHWM') };
  }

  /** Counts the ceiling from now, once: after the first batch, when the code paths are warm. */
  warmedUp(): void {
    if (this.#warm) return;
    this.#warm = true;
    this.baseline = this.memory();
  }

  /** Starts a new peak-memory window (Linux: `5` into clear_refs resets VmHWM); false when not possible. */
  resetPeak(): boolean {
    try {
      fs.writeFileSync(`/proc/${this.server.child.pid}/clear_refs`, '5');
      return true;
    } catch {
      return false;
    }
  }

  /** The server's log lines worth showing in a report: its last warnings and errors, or its last lines. */
  logTail(lines = 12): string {
    const all = this.server.output().split('\n').filter(Boolean);
    const serious = all.filter((line) => /"level":(50|60)|Error|^\s+at /.test(line));
    return (serious.length > 0 ? serious : all)
      .slice(-lines)
      .map((line) => (line.length > 400 ? `${line.slice(0, 400)}…` : line))
      .join('\n');
  }

  async dispose(): Promise<void> {
    this.honest.close();
    await this.server.kill();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}
