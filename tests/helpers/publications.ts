import { randomUUID } from 'node:crypto';
import type { NewPublication, PublicationRecord } from '../../server/persistence/PublicationStore';
import type { Store } from '../../server/persistence/Store';
import { newDraft } from '../../server/workflow/workflowState';

type Seed = Partial<Omit<NewPublication, 'storyId'>> & { slug: string; publishedAt: string; authorIds?: string[] };

/**
 * A published story put straight in the store (a story row, its publication and revision), for tests of what
 * the public site and its APIs list: many stories at chosen dates, without an editor typing each one.
 */
export async function seedPublication(store: Store, author: { id: string; name: string }, seed: Seed): Promise<PublicationRecord> {
  const storyId = randomUUID();
  await store.createStory(newDraft(storyId, author, seed.publishedAt));
  const { authorIds, ...fields } = seed;
  const publication: NewPublication = {
    storyId,
    headline: `Headline of ${seed.slug}`,
    standfirst: 'A standfirst.',
    byline: author.name,
    bodyHtml: '<p>Body.</p>',
    updatedAt: seed.publishedAt,
    publishedBy: author.name,
    lead: null,
    ...fields,
  };
  const { lead: _lead, ...words } = publication;
  await store.savePublication(publication, {
    ...words,
    content: '{}',
    docState: new Uint8Array(),
    publishedAt: publication.updatedAt,
    publishedById: author.id,
    authorIds: authorIds ?? [author.id],
  });
  return (await store.getPublication(storyId))!;
}
