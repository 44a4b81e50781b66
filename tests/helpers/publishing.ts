import { ASSIGNEES_ROOT, PLANNING_ROOT, TAGS_ROOT } from '../../shared/planning';
import { connectClient, createStory, setParagraphs } from './clients';
import { call } from './http';
import type { TestUser } from './testServer';

export type StoryToPublish = {
  headline: string;
  body?: string[];
  section?: string;
  tags?: string[];
  /** User ids: the people the page credits. */
  assignees?: string[];
};

/**
 * A story written through a real Yjs client (its four fields and planning), then published over the API by
 * `editor`, as the newsroom would; its id and public address.
 */
export async function publishWithPlanning(
  server: { url: string },
  editor: TestUser,
  story: StoryToPublish,
): Promise<{ id: string; path: string }> {
  const id = await createStory(server, editor);
  const client = await connectClient(server, editor, id);
  try {
    client.doc.transact(() => {
      setParagraphs(client.doc, 'headline', [story.headline]);
      setParagraphs(client.doc, 'standfirst', ['What happened, in a sentence.']);
      setParagraphs(client.doc, 'byline', ['Staff reporter']);
      setParagraphs(client.doc, 'body', story.body ?? ['The first paragraph of the story.']);
      if (story.section) client.doc.getMap(PLANNING_ROOT).set('section', story.section);
      for (const tag of story.tags ?? []) client.doc.getMap(TAGS_ROOT).set(tag, true);
      for (const assignee of story.assignees ?? []) client.doc.getMap(ASSIGNEES_ROOT).set(assignee, true);
    });
    await client.provider.whenSaved();
  } finally {
    client.close();
  }
  const answer = await call(server, 'POST', `/api/stories/${id}/publish`, { user: editor });
  if (answer.status !== 200) throw new Error(`publish failed: ${answer.status} ${answer.text}`);
  return { id, path: `/stories/${answer.body.publication.slug}` };
}
