/**
 * A section or tag renamed in the newsroom's list is renamed in the stories that carry it (docs/newsroom.md):
 * each story's planning lives in its Y.Doc, so the server changes it there, as its own change (committed,
 * then sent to everyone editing, on every node), and the stories table follows with the summary. Each
 * candidate is checked in its document, so the stored list only narrows which to open.
 */
import { PLANNING_ROOT, TAGS_ROOT } from '../../shared/planning';
import { type TaxonomyKind, termName } from '../../shared/taxonomy';
import type { Store } from '../persistence/Store';
import type { StoryCursor } from '../persistence/StorySearchStore';
import type { DocumentRegistry } from './DocumentRegistry';

const PAGE = 100;

/** Renames `from` to `to` in every story carrying it; answers how many it changed. */
export async function renameInStories(
  deps: { store: Store; registry: DocumentRegistry },
  kind: TaxonomyKind,
  from: string,
  to: string,
): Promise<number> {
  // The stories table follows a document's planning a second after an edit (StorySummaries); the stories open
  // on this node are read from their documents as well, so a section picked just now is not missed.
  const ids = new Set(await storiesCarrying(deps.store, kind, from));
  for (const document of deps.registry.loaded()) ids.add(document.storyId);
  let moved = 0;
  for (const storyId of ids) {
    const changed = await deps.registry.withDocument(storyId, async (document) => {
      await document.applied();
      const planning = document.doc.getMap<unknown>(PLANNING_ROOT);
      const tags = document.doc.getMap<unknown>(TAGS_ROOT);
      // The name as written may differ in spacing from the list's; the story's own entry is replaced.
      const tagKeys = [...tags.keys()].filter((key) => tags.get(key) === true && termName(key) === from);
      const carries =
        kind === 'sections'
          ? typeof planning.get('section') === 'string' && termName(planning.get('section') as string) === from
          : tagKeys.length > 0;
      if (!carries) return false;
      await document.applyServerChange(() => {
        if (kind === 'sections') planning.set('section', to);
        else {
          tagKeys.forEach((key) => tags.delete(key));
          tags.set(to, true);
        }
      });
      return true;
    });
    if (changed) moved++;
  }
  return moved;
}

/** The stories whose stored planning carries the name, every page of them. */
async function storiesCarrying(store: Store, kind: TaxonomyKind, name: string): Promise<string[]> {
  const filter = kind === 'sections' ? { section: name } : { tag: name };
  const ids: string[] = [];
  let before: StoryCursor | undefined;
  for (;;) {
    const page = await store.searchStories({ filter, sort: 'created', before, limit: PAGE });
    ids.push(...page.map((story) => story.id));
    const last = page.at(-1);
    if (page.length < PAGE || !last) return ids;
    before = { at: last.createdAt, id: last.id };
  }
}
