import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { PresenceActivity } from '../../client/lib/story/PresenceActivity';
import { AWAY_AFTER_MS, TYPING_CLAIM_MS } from '../../shared/protocol';

const LOCAL = Symbol('local edits');

function typeInHeadline(doc: Y.Doc, origin: unknown): void {
  doc.transact(() => doc.getXmlFragment('headline').insert(0, [new Y.XmlText('x')]), origin);
}

describe('PresenceActivity', () => {
  let doc: Y.Doc;
  let awareness: Awareness;
  let input: EventTarget;
  let activity: PresenceActivity;
  let changes: number;

  beforeEach(() => {
    vi.useFakeTimers();
    doc = new Y.Doc();
    awareness = new Awareness(doc);
    input = new EventTarget();
    activity = new PresenceActivity(doc, awareness, LOCAL, input);
    changes = 0;
    awareness.on('change', () => changes++);
  });

  afterEach(() => {
    activity.destroy();
    awareness.destroy();
    vi.useRealTimers();
  });

  const state = () => awareness.getLocalState() as { typing: string | null; away: boolean };

  it('claims the field you type in for a few seconds after your last keystroke, telling others once, not per keystroke', () => {
    expect(state().typing).toBeNull();
    typeInHeadline(doc, LOCAL);
    expect(state().typing).toBe('headline');
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(TYPING_CLAIM_MS / 2);
      typeInHeadline(doc, LOCAL);
    }
    expect(state().typing).toBe('headline');
    expect(changes).toBe(1);
    vi.advanceTimersByTime(TYPING_CLAIM_MS + 1);
    expect(state().typing).toBeNull();
    expect(changes).toBe(2);
  });

  it('ignores edits that are not yours', () => {
    typeInHeadline(doc, 'provider');
    expect(state().typing).toBeNull();
  });

  it('shows you away after minutes without input, and back at the next key or click', () => {
    vi.advanceTimersByTime(AWAY_AFTER_MS - 1_000);
    input.dispatchEvent(new Event('keydown'));
    vi.advanceTimersByTime(AWAY_AFTER_MS - 1_000);
    expect(state().away).toBe(false);
    vi.advanceTimersByTime(2_000);
    expect(state().away).toBe(true);
    input.dispatchEvent(new Event('pointerdown'));
    expect(state().away).toBe(false);
  });
});
