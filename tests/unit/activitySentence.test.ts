import { describe, expect, it } from 'vitest';
import { activitySentence, type ActivityEvent, type ActivityView } from '../../shared/activity';

const entry = (event: ActivityEvent, actor: ActivityView['actor'] = { id: 'a', name: 'Ana Editor' }): ActivityView =>
  ({ id: '1', storyId: 's', at: '2026-12-07T10:02:00.000Z', actor, ...event }) as ActivityView;
const when = (iso: string) => `<${iso}>`;

describe('activitySentence', () => {
  it('says who did what, with people’s words quoted as they wrote them', () => {
    expect(activitySentence(entry({ kind: 'returned', detail: { note: 'Needs a second source' } }), when)).toBe(
      'Ana Editor sent it back: “Needs a second source”',
    );
    expect(activitySentence(entry({ kind: 'version', detail: { number: 3, name: '<b>Legal</b>' } }), when)).toBe(
      'Ana Editor saved version 3: “<b>Legal</b>”',
    );
    expect(
      activitySentence(
        entry({
          kind: 'assigned',
          detail: {
            people: [
              { id: 'b', name: 'Ben' },
              { id: 'c', name: 'Cy' },
            ],
          },
        }),
        when,
      ),
    ).toBe('Ana Editor assigned Ben, Cy');
    expect(activitySentence(entry({ kind: 'scheduled', detail: { at: '2027-01-01T09:00:00.000Z' } }), when)).toBe(
      'Ana Editor scheduled it for <2027-01-01T09:00:00.000Z>',
    );
    expect(activitySentence(entry({ kind: 'published', detail: { revision: 2, slug: 'x', scheduled: true } }), when)).toBe(
      'Ana Editor published it (as scheduled)',
    );
    expect(activitySentence(entry({ kind: 'priority', detail: { from: 'normal', to: 'urgent' } }), when)).toBe(
      'Ana Editor set its priority to Urgent',
    );
  });

  it('names Galley for the server’s own acts, and shows a kind it does not know by its word', () => {
    expect(activitySentence(entry({ kind: 'unscheduled', detail: { note: 'no headline' } }, null), when)).toBe(
      'Galley dropped its schedule: no headline',
    );
    expect(activitySentence(entry({ kind: 'embargoed', detail: {} } as unknown as ActivityEvent), when)).toBe('Ana Editor: embargoed');
    expect(activitySentence(entry({ kind: 'trashed', detail: {} }), when)).toBe('Ana Editor moved it to the Trash');
  });
});
