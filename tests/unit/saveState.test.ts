import { describe, expect, it } from 'vitest';
import { describeSaveState, type SaveFacts } from '../../client/lib/sync/saveState';

const live: SaveFacts = { online: true, live: true, wasLive: true, refused: false, failedAttempts: 0, unsaved: false, held: false };

describe('the save state', () => {
  it('says saved or saving while joined', () => {
    expect(describeSaveState(live).label).toBe('All changes saved');
    expect(describeSaveState({ ...live, unsaved: true }).label).toBe('Saving…');
  });

  it('says some changes are waiting, not "Saving…" forever, while the server keeps holding them back', () => {
    expect(describeSaveState({ ...live, unsaved: true, held: true })).toEqual({ kind: 'held', label: 'Some changes waiting to be saved' });
    // Once they are all saved, the past refusals no longer matter.
    expect(describeSaveState({ ...live, unsaved: false, held: true }).kind).toBe('saved');
  });

  it('says offline or reconnecting when not joined, whatever is held', () => {
    const away = { ...live, live: false, unsaved: true, held: true };
    expect(describeSaveState(away).kind).toBe('reconnecting');
    expect(describeSaveState({ ...away, failedAttempts: 1 }).kind).toBe('offline');
    expect(describeSaveState({ ...away, online: false }).kind).toBe('offline');
    expect(describeSaveState({ ...away, wasLive: false }).kind).toBe('connecting');
  });
});
