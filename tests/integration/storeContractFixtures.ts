/**
 * What the Store contract's rules build on: a way to open stores, and records to put in them. Every record
 * made here has ids of its own, so rules never meet each other's data.
 */
import type { Store, StoryRecord, UserRecord } from '../../server/persistence/Store';
import { newDraft } from '../../server/workflow/workflowState';

/**
 * `open` returns a fresh, empty store; `reopen` (optional) reopens the same data; `rowsMentioning` (optional) looks
 * through every table of the database for rows holding `text` in any column, and answers those tables' names.
 */
export type StoreFactory = {
  open: () => Promise<Store>;
  reopen?: (store: Store) => Promise<Store>;
  rowsMentioning?: (store: Store, text: string) => Promise<string[]>;
};

let n = 0;
export const user = (over: Partial<UserRecord> = {}): UserRecord => {
  n++;
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    email: `person${n}@example.test`,
    name: `Person ${n}`,
    role: 'writer',
    color: '#175cd3',
    passwordHash: 'scrypt$x',
    createdAt: new Date(2026, 0, 1, 0, 0, n).toISOString(),
    deactivatedAt: null,
    ...over,
  };
};
export const story = (createdBy: string, over: Partial<StoryRecord> = {}): StoryRecord => {
  n++;
  const id = `10000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  return {
    ...newDraft(id, { id: createdBy, name: 'Author' }, '2026-01-01T00:00:00.000Z'),
    updatedAt: new Date(2026, 0, 1, 0, 0, n).toISOString(),
    ...over,
  };
};
type NewPublication = Parameters<Store['savePublication']>;
export const publication = (storyId: string, slug: string, at: string): [NewPublication[0], NewPublication[1]] => {
  const content = { storyId, slug, headline: `H ${slug}`, standfirst: 'S', byline: 'B', bodyHtml: '<p>x</p>' };
  return [
    { ...content, lead: null, publishedAt: at, updatedAt: at, publishedBy: 'Ed' },
    { ...content, content: '{"body":1}', docState: Uint8Array.of(1, 2, 3), publishedAt: at, publishedBy: 'Ed', publishedById: 'ed-id' },
  ];
};

/** A fresh store with one user and `count` stories of theirs. */
export async function storeWithStories(factory: StoreFactory, count: number) {
  const store = await factory.open();
  const u = user();
  await store.createUser(u);
  const stories = Array.from({ length: count }, () => story(u.id));
  for (const s of stories) await store.createStory(s);
  return { store, u, stories };
}
