import { performance } from 'node:perf_hooks';
import { GalleyError } from '../../shared/errors';
import { LIMITS } from '../../shared/limits';
import { type CopiedText, ProvenanceClaim, type ProvenanceResult } from '../../shared/provenanceClaim';
import { can } from '../../shared/roles';
import { logUpdates, type Store, type UserRecord } from '../persistence/Store';
import { recordCopies } from './provenanceRecord';
import type { StoryDocument } from './StoryDocument';
import { documentText, StoryHistory } from './StoryHistory';

/** How long a story's history, read from storage for one claim, serves the next ones (a long restore sends several). */
const HISTORY_TTL_MS = 30_000;

type Tier = 'log' | 'versions';
type CachedHistory = { builtAt: number } & { [tier in Tier]?: Promise<StoryHistory> };

/**
 * Checks and records `story:provenance` claims: "these new items of mine hold a copy of those". A
 * claim is recorded (provenanceRecord) only when the sender may edit the story, every new item was
 * written under a Yjs client id the server bound to the sender, and each copy holds exactly the text
 * of its original, read from the live document or, for text deleted since, from the story's history
 * (StoryHistory): so nobody can attribute to a person text they did not write. A claim is refused
 * whole. The history read for one claim is kept briefly, for the next ones.
 */
export class ProvenanceClaims {
  #histories = new WeakMap<StoryDocument, CachedHistory>();

  constructor(private readonly store: Store) {}

  async apply(document: StoryDocument, user: UserRecord, canEdit: boolean, raw: unknown): Promise<ProvenanceResult> {
    const started = performance.now();
    const parsed = ProvenanceClaim.safeParse(raw);
    if (!parsed.success)
      throw new GalleyError('bad_request', `Malformed provenance claim: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    const { copies } = parsed.data;
    if (copies.reduce((sum, copy) => sum + copy.length, 0) > LIMITS.copiedCharsPerClaim)
      throw new GalleyError('too_large', `One claim may cover at most ${LIMITS.copiedCharsPerClaim} characters`);
    if (!canEdit || !can(user.role, 'story:edit')) throw new GalleyError('forbidden', 'Your role may not edit this story');
    // The copies this connection sent just before may still be waiting to be applied.
    await document.applied();
    const owners = await this.store.loadClientOwners(document.storyId);
    for (const { to } of copies) {
      if (owners.get(to.client) !== user.id) throw new GalleyError('forbidden', `Yjs client id ${to.client} did not write as you`);
    }
    for (const copy of copies) await this.#check(document, copy, started);
    return { recorded: await recordCopies(document, copies, owners) };
  }

  async #check(document: StoryDocument, { to, from, length }: CopiedText, started: number): Promise<void> {
    const copy = await this.#text(document, to, length, started);
    const original = await this.#text(document, from, length, started);
    if (copy === null || original === null) throw new GalleyError('invalid', 'A claimed copy or its original is not text of this story');
    if (copy !== original) throw new GalleyError('invalid', 'A claimed copy does not hold the text of its original');
  }

  /** The text of `length` items from `id`: live, else from the log, else from the versions (each read again once if older than the claim). */
  async #text(document: StoryDocument, id: CopiedText['to'], length: number, started: number): Promise<string | null> {
    const live = documentText(document.doc, id.client, id.clock, length);
    if (live !== null) return live;
    for (const tier of ['log', 'versions'] as const) {
      const text =
        (await this.#history(document, tier, 0)).text(id.client, id.clock, length) ??
        (await this.#history(document, tier, started)).text(id.client, id.clock, length);
      if (text !== null) return text;
    }
    return null;
  }

  /** The story's history of one tier, read from storage unless read within the TTL and not before `notBefore`. */
  #history(document: StoryDocument, tier: Tier, notBefore: number): Promise<StoryHistory> {
    const now = performance.now();
    let cached = this.#histories.get(document);
    if (!cached || now - cached.builtAt > HISTORY_TTL_MS || cached.builtAt < notBefore) {
      const fresh: CachedHistory = { builtAt: now };
      this.#histories.set(document, fresh);
      setTimeout(() => {
        if (this.#histories.get(document) === fresh) this.#histories.delete(document);
      }, HISTORY_TTL_MS).unref();
      cached = fresh;
    }
    const entry = cached;
    if (!entry[tier]) {
      const reading = this.#read(document.storyId, tier);
      entry[tier] = reading;
      // A failed read is not kept: the next claim reads again.
      reading.catch(() => {
        if (entry[tier] === reading) delete entry[tier];
      });
    }
    return entry[tier];
  }

  async #read(storyId: string, tier: Tier): Promise<StoryHistory> {
    if (tier === 'log') return new StoryHistory(logUpdates(await this.store.loadLog(storyId)));
    return new StoryHistory((await this.store.listRevisions(storyId)).map((revision) => revision.docState));
  }
}
