/**
 * Turns the publication moves of a story's timeline into webhook events (docs/webhooks.md#events): published,
 * published again (`story.updated`), unpublished, and a once-published story moved to the Trash
 * (`story.deleted`). It hears the timeline's entries as StoryActivity stores them, on the node that made the
 * move (its compare-and-set won, so once however many nodes run), just after the move's commit and before it
 * is answered; each event is queued, one delivery per subscribed endpoint, in one transaction.
 */
import { randomUUID } from 'node:crypto';
import type { ActivityView } from '../../shared/activity';
import type { WebhookDeliveryType, WebhookEventType } from '../../shared/webhooks';
import type { Logger } from '../logger';
import type { Store } from '../persistence/Store';
import type { WebhookEvent } from '../persistence/WebhookStore';
import { STORIES_PATH } from '../publishing/site';

const EVENT_OF: Partial<Record<ActivityView['kind'], WebhookEventType>> = {
  published: 'story.published',
  republished: 'story.updated',
  unpublished: 'story.unpublished',
  trashed: 'story.deleted',
};

/** How long a delivery is tried for. */
const WEBHOOK_GIVE_UP_MS = 24 * 3_600_000;

/** The story as an event tells it: what the public page said (or last said). */
type StoryPayload = {
  id: string;
  slug: string;
  /** Its public address; null when PUBLIC_URL is not set (the server knows no origin of its own). */
  url: string | null;
  headline: string;
  standfirst?: string;
  byline?: string;
  revision?: number;
  publishedAt?: string;
  updatedAt?: string;
};

export type WebhookEventsDeps = {
  store: Store;
  log: Logger;
  /** PUBLIC_URL, for the stories' addresses. */
  publicUrl: string | undefined;
  /** Something was queued: send it now. */
  queued: () => void;
};

export class WebhookEvents {
  constructor(private readonly deps: WebhookEventsDeps) {}

  /** Queues the events among a story's new timeline entries. Never throws: the move has happened, whatever becomes of this. */
  async recorded(entries: readonly ActivityView[]): Promise<void> {
    for (const entry of entries) {
      const type = EVENT_OF[entry.kind];
      if (!type) continue;
      try {
        const story = await this.#story(entry);
        if (story && (await this.#enqueue(type, { story }, entry.at, entry.storyId)) > 0) this.deps.queued();
      } catch (error) {
        this.deps.log.error({ err: error, storyId: entry.storyId, type }, 'could not queue a webhook event');
      }
    }
  }

  /** Queues one event for every subscribed endpoint; resolves to how many. */
  #enqueue(type: WebhookEventType, data: object, at: string, storyId: string): Promise<number> {
    return this.deps.store.enqueueWebhookEvent({ ...webhookEvent(type, data, at), storyId }, giveUpAfter(at));
  }

  async #story(entry: ActivityView): Promise<StoryPayload | undefined> {
    const { store } = this.deps;
    if (entry.kind === 'published' || entry.kind === 'republished') {
      const page = await store.getPublicationBySlug(entry.detail.slug);
      return page && { ...this.#page(entry.storyId, page.slug, page.headline), ...pick(page), revision: entry.detail.revision };
    }
    if (entry.kind === 'unpublished') {
      const slug = (await store.getStory(entry.storyId))?.slug;
      const page = slug ? await store.getPublicationBySlug(slug) : undefined;
      return page && { ...this.#page(entry.storyId, page.slug, page.headline), ...pick(page) };
    }
    // In the Trash the story is out of every read but its revisions: a story never published concerns no receiver.
    const published = (await store.listRevisions(entry.storyId)).filter((r) => r.kind === 'publication').at(-1);
    return published && this.#page(entry.storyId, published.slug, published.headline);
  }

  #page(id: string, slug: string, headline: string) {
    const url = this.deps.publicUrl ? `${this.deps.publicUrl}${STORIES_PATH}/${encodeURIComponent(slug)}` : null;
    return { id, slug, url, headline };
  }
}

const pick = (page: { standfirst: string; byline: string; publishedAt: string; updatedAt: string }) => ({
  standfirst: page.standfirst,
  byline: page.byline,
  publishedAt: page.publishedAt,
  updatedAt: page.updatedAt,
});

/** An event with a new id, its body as every endpoint gets it. */
export function webhookEvent(type: WebhookDeliveryType, data: object, createdAt: string): WebhookEvent {
  const id = randomUUID();
  return { id, type, createdAt, payload: JSON.stringify({ id, type, createdAt, data }) };
}

export const giveUpAfter = (at: string) => new Date(Date.parse(at) + WEBHOOK_GIVE_UP_MS).toISOString();
