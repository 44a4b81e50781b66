/**
 * The open story's planning (shared/planning.ts), read live from its Y.Doc and
 * changed there: assignees and tags are keys of their own maps, so two people
 * adding one at once both count; section, due time and priority are single
 * values, the last change winning.
 */
import type * as Y from 'yjs';
import {
  ASSIGNEES_ROOT,
  NO_PLANNING,
  PLANNING_ROOT,
  readPlanning,
  TAGS_ROOT,
  type Priority,
  type StoryPlanning,
} from '../../../shared/planning';

export class StoryPlan {
  current = $state.raw<StoryPlanning>(NO_PLANNING);
  readonly #doc: Y.Doc;
  readonly #roots: Array<Y.Map<unknown>>;

  constructor(doc: Y.Doc) {
    this.#doc = doc;
    this.#roots = [PLANNING_ROOT, ASSIGNEES_ROOT, TAGS_ROOT].map((root) => doc.getMap<unknown>(root));
    for (const root of this.#roots) root.observe(this.#read);
    this.#read();
  }

  #read = (): void => {
    this.current = readPlanning(this.#doc);
  };

  #change(work: () => void): void {
    this.#doc.transact(work, this);
  }

  assign(userId: string, assigned: boolean): void {
    const assignees = this.#doc.getMap<unknown>(ASSIGNEES_ROOT);
    this.#change(() => (assigned ? assignees.set(userId, true) : assignees.delete(userId)));
  }

  tag(tag: string, tagged: boolean): void {
    const tags = this.#doc.getMap<unknown>(TAGS_ROOT);
    const clean = tag.replace(/\s+/g, ' ').trim();
    if (!clean) return;
    this.#change(() => (tagged ? tags.set(clean, true) : tags.delete(clean)));
  }

  set(key: 'section' | 'dueAt', value: string | null): void {
    const planning = this.#doc.getMap<unknown>(PLANNING_ROOT);
    this.#change(() => (value ? planning.set(key, value) : planning.delete(key)));
  }

  setPriority(priority: Priority): void {
    this.#change(() => this.#doc.getMap<unknown>(PLANNING_ROOT).set('priority', priority));
  }

  destroy(): void {
    for (const root of this.#roots) root.unobserve(this.#read);
  }
}
