import { PLANNING_LIMITS } from '../../shared/planning';
import type { PublicationCredit } from '../persistence/PublicationStore';
import type { Store, StoryRecord } from '../persistence/Store';

/**
 * Who the public page credits (docs/site.md#authors): the story's assignees when planning names any (the
 * newsroom's own answer to "whose story is this"); otherwise the people who wrote it, as the revisions
 * record them: those the page credited before and those who changed it since (`changedBy`, this
 * revision's authorIds), so an editor's fix does not drop the reporter. Accounts that no longer exist are
 * left out; at most as many as a story may have assignees.
 */
export async function creditedAuthors(
  store: Store,
  story: Pick<StoryRecord, 'id' | 'slug'>,
  assigneeIds: readonly string[],
  changedBy: readonly string[],
): Promise<PublicationCredit[]> {
  const ids = assigneeIds.length > 0 ? assigneeIds : [...(await creditedBefore(store, story)), ...changedBy];
  const credits: PublicationCredit[] = [];
  for (const id of new Set(ids)) {
    if (credits.length >= PLANNING_LIMITS.assignees) break;
    const user = await store.getUserById(id);
    if (user) credits.push({ id: user.id, name: user.name });
  }
  return credits;
}

async function creditedBefore(store: Store, story: Pick<StoryRecord, 'id' | 'slug'>): Promise<string[]> {
  if (!story.slug) return [];
  const page = await store.getPublicationBySlug(story.slug);
  return page && page.storyId === story.id ? page.authors.map((a) => a.id) : [];
}
