import { describe, expect, it } from 'vitest';
import { actionRefusal, availableActions, nextStatus, STORY_STATUSES, type StoryStatus } from '../../shared/workflow';

const state = (status: StoryStatus, live = false) => ({ status, live });

describe('the editorial workflow rules', () => {
  it('offers each role only the moves it may make from each state', () => {
    expect(availableActions('viewer', state('draft'))).toEqual([]);
    expect(availableActions('writer', state('draft'))).toEqual(['submit']);
    expect(availableActions('writer', state('in_review'))).toEqual([]);
    expect(availableActions('editor', state('draft'))).toEqual(['publish', 'schedule']);
    expect(availableActions('editor', state('in_review'))).toEqual(['return', 'publish', 'schedule']);
    expect(availableActions('admin', state('scheduled'))).toEqual(['return', 'publish', 'schedule', 'unschedule']);
    expect(availableActions('editor', state('published', true))).toEqual(['publish', 'schedule', 'unpublish']);
    expect(availableActions('writer', state('published', true))).toEqual(['submit']);
    expect(availableActions('editor', state('in_review', true))).toEqual(['return', 'publish', 'schedule', 'unpublish']);
    expect(availableActions('writer', state('unpublished'))).toEqual(['submit']);
  });

  it('says why a move is refused', () => {
    expect(actionRefusal(state('in_review'), 'submit')).toBe('The story is already in review');
    expect(actionRefusal(state('draft'), 'return')).toBe('Only stories in review or scheduled can be sent back');
    expect(actionRefusal(state('draft'), 'unschedule')).toBe('The story is not scheduled');
    expect(actionRefusal(state('published', false), 'unpublish')).toBe('The story is not published');
  });

  it('leads each move to its status; cancelling a schedule keeps a live story published', () => {
    expect(nextStatus(state('draft'), 'submit')).toBe('in_review');
    expect(nextStatus(state('in_review'), 'return')).toBe('draft');
    expect(nextStatus(state('in_review'), 'schedule')).toBe('scheduled');
    expect(nextStatus(state('scheduled'), 'unschedule')).toBe('draft');
    expect(nextStatus(state('scheduled', true), 'unschedule')).toBe('published');
    expect(nextStatus(state('published', true), 'unpublish')).toBe('unpublished');
    for (const status of STORY_STATUSES) expect(nextStatus(state(status), 'publish')).toBe('published');
  });
});
