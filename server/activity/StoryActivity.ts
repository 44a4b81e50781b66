/**
 * Records a story's activity (shared/activity.ts) and pushes each entry to everyone who has the story
 * open (its room, on every node through the Redis adapter). Each action awaits it just after its own
 * commit and before it answers, so an acknowledged action's entry is stored: the same contract as its
 * notifications (docs/newsroom.md#activity).
 */
import type { ActivityEvent, ActivityPerson, ActivityView } from '../../shared/activity';
import type { Logger } from '../logger';
import type { StoryActivityStore } from '../persistence/StoryActivityStore';

export type StoryActivityDeps = {
  store: StoryActivityStore;
  log: Logger;
  /** Tells the story's open copies of a new entry. */
  push: (entry: ActivityView) => void;
  /** Hears the entries kept, before the action answers (webhooks: WebhookEvents). */
  recorded?: (entries: ActivityView[]) => Promise<void>;
};

export class StoryActivity {
  constructor(private readonly deps: StoryActivityDeps) {}

  /**
   * `actor` null: the server itself (a schedule that could not go out). Never throws: the action has
   * happened whatever becomes of its entry, which is logged instead.
   */
  async record(storyId: string, actor: ActivityPerson | null, ...events: ActivityEvent[]): Promise<void> {
    if (events.length === 0) return;
    // Only who, by id and name: callers may pass a whole account.
    const by = actor && { id: actor.id, name: actor.name };
    const at = new Date().toISOString();
    try {
      const kept = await this.deps.store.addStoryActivity(events.map((event) => ({ ...event, storyId, at, actor: by })));
      kept.forEach(this.deps.push);
      await this.deps.recorded?.(kept);
    } catch (error) {
      this.deps.log.error({ err: error, storyId, kinds: events.map((e) => e.kind) }, 'could not record story activity');
    }
  }
}
