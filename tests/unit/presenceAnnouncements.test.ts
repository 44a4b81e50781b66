import { describe, expect, it } from 'vitest';
import { PresenceAnnouncements } from '../../client/lib/story/PresenceAnnouncements.svelte';
import type { Person } from '../../client/lib/story/StorySession.svelte';

const person = (name: string, more: Partial<Person> = {}): Person => ({
  id: name.toLowerCase(),
  name,
  color: '#336699',
  initials: name.slice(0, 2),
  field: null,
  typing: null,
  away: false,
  isYou: false,
  ...more,
});

describe('PresenceAnnouncements', () => {
  it('announces arrivals, fields, away and back, and departures of others, not of you, and not who was there at the start', () => {
    const you = person('You', { isYou: true });
    const said = new PresenceAnnouncements();
    const update = (people: Person[]) => said.update(people, true);
    // Not yet told who is here (joining): nothing is news. Then the server's roster is the room as it was.
    said.update([you], false);
    said.update([you, person('Ana')], true);
    expect(said.message).toBe('');

    update([you, person('Ana'), person('Ben', { field: 'body' })]);
    expect(said.message).toBe('Ben joined. Ben is editing the Body');
    update([{ ...you, field: 'headline' }, person('Ana', { field: 'headline' }), person('Ben', { field: 'body' })]);
    expect(said.message).toBe('Ana is editing the Headline');
    update([you, person('Ana', { field: 'headline', away: true }), person('Ben', { field: 'body' })]);
    expect(said.message).toBe('Ana is away');
    update([you, person('Ana', { field: 'headline' }), person('Ben', { field: 'body' })]);
    expect(said.message).toBe('Ana is back');

    const before = said.count;
    update([you, person('Ana', { field: 'headline' }), person('Ben', { field: 'body' })]);
    expect(said.count).toBe(before); // nothing new, nothing said
    update([you, person('Ana', { field: 'headline' })]);
    expect(said.message).toBe('Ben left');

    // A dropped connection and a rejoin announce nothing: the room is re-learnt, not reported.
    const count = said.count;
    said.update([you], false);
    said.update([you, person('Ana', { field: 'headline' })], true);
    expect(said.count).toBe(count);
    update([you]);
    expect(said.message).toBe('Ana left');
  });
});
