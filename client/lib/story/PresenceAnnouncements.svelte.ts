/**
 * What a screen reader hears about the people in a story: arrivals,
 * departures, who moved into which field, who went away. Fed each new
 * presence list, it keeps the latest sentence for a polite live region.
 */
import { FIELD_LABELS } from '../../../shared/story';
import type { Person } from './StorySession.svelte';

export class PresenceAnnouncements {
  /** The latest announcement, and a counter so the same sentence twice is still a change. */
  message = $state('');
  count = $state(0);
  /** Who was here at the last update; null until the server has said who is in the story. */
  #known: Map<string, Person> | null = null;

  /**
   * `rosterKnown`: joined, and the server has said who is here. The first list after that is the
   * room as it was, not news; while not (offline, reconnecting), nothing is announced, so a dropped
   * connection does not announce everyone leaving and coming back.
   */
  update(people: readonly Person[], rosterKnown: boolean): void {
    if (!rosterKnown) {
      this.#known = null;
      return;
    }
    const others = new Map(people.filter((p) => !p.isYou).map((p) => [p.id, p]));
    const known = this.#known;
    this.#known = new Map([...others].map(([id, p]) => [id, { ...p }]));
    if (!known) return;
    const news: string[] = [];
    for (const [id, person] of others) {
      const before = known.get(id);
      if (!before) news.push(`${person.name} joined`);
      if (person.field && person.field !== before?.field) news.push(`${person.name} is editing the ${FIELD_LABELS[person.field]}`);
      if (person.away !== (before?.away ?? false)) news.push(person.away ? `${person.name} is away` : `${person.name} is back`);
    }
    for (const [id, person] of known) if (!others.has(id)) news.push(`${person.name} left`);
    if (news.length === 0) return;
    this.message = news.join('. ');
    this.count++;
  }
}
