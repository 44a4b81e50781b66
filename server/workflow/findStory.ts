import { GalleyError } from '../../shared/errors';
import type { Store, StoryRecord } from '../persistence/Store';

/** The story's record, or `not_found`: how every request about one story starts. */
export async function findStory(store: Store, storyId: string): Promise<StoryRecord> {
  const story = await store.getStory(storyId);
  if (!story) throw new GalleyError('not_found', 'No such story');
  return story;
}
