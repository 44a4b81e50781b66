import { describe, expect, it } from 'vitest';
import { PresenceAnnouncements } from '../../client/lib/collab/presenceAnnouncements.svelte';
import type { Person } from '../../client/lib/collab/storySession.svelte';

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
    said.update([you, person('Ana')]);
    expect(said.message).toBe('');

    said.update([you, person('Ana'), person('Ben', { field: 'body' })]);
    expect(said.message).toBe('Ben joined. Ben is editing the Body');
    said.update([{ ...you, field: 'headline' }, person('Ana', { field: 'headline' }), person('Ben', { field: 'body' })]);
    expect(said.message).toBe('Ana is editing the Headline');
    said.update([you, person('Ana', { field: 'headline', away: true }), person('Ben', { field: 'body' })]);
    expect(said.message).toBe('Ana is away');
    said.update([you, person('Ana', { field: 'headline' }), person('Ben', { field: 'body' })]);
    expect(said.message).toBe('Ana is back');

    const before = said.count;
    said.update([you, person('Ana', { field: 'headline' }), person('Ben', { field: 'body' })]);
    expect(said.count).toBe(before); // nothing new, nothing said
    said.update([you, person('Ana', { field: 'headline' })]);
    expect(said.message).toBe('Ben left');
  });
});
