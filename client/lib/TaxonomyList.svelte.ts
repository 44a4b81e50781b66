/**
 * One of the newsroom's managed lists (sections or tags, shared/taxonomy.ts): read by the Planning panel
 * and the newsroom's filters, kept by editors on the Settings page.
 */
import { type TaxonomyKind, type TaxonomyTerm, termBody } from '../../shared/taxonomy';
import { errorMessage } from './api';
import { checkForm, formErrorsFrom, NO_ERRORS, type FormErrors } from './forms';
import { taxonomyApi } from './taxonomyApi';

export class TaxonomyList {
  readonly kind: TaxonomyKind;
  terms = $state.raw<TaxonomyTerm[]>([]);
  loaded = $state(false);
  loadError = $state<string | null>(null);
  /** The name for the next one, and what was wrong with the last try. */
  name = $state('');
  errors = $state<FormErrors>(NO_ERRORS);
  /** Why the last rename or removal failed. */
  changeError = $state<string | null>(null);
  busy = $state(false);
  /** Said once a change is made, for a polite live region. */
  done = $state<string | null>(null);

  constructor(kind: TaxonomyKind) {
    this.kind = kind;
  }

  async load(): Promise<void> {
    try {
      this.terms = (await taxonomyApi.list(this.kind)).terms;
      this.loadError = null;
    } catch (error) {
      this.loadError = errorMessage(error);
    } finally {
      this.loaded = true;
    }
  }

  /** Whether a story's name is the list's, as written (a list's name is what a story picked). */
  has(name: string): boolean {
    return this.terms.some((term) => term.name === name);
  }

  async add(): Promise<void> {
    const checked = checkForm(termBody(this.kind), { name: this.name });
    if ('errors' in checked) {
      this.errors = checked.errors;
      return;
    }
    await this.#change(async () => {
      const { term } = await taxonomyApi.add(this.kind, checked.data.name);
      this.name = '';
      this.errors = NO_ERRORS;
      return `Added “${term.name}”`;
    }, true);
  }

  async rename(term: TaxonomyTerm, name: string): Promise<boolean> {
    return this.#change(async () => {
      const answer = await taxonomyApi.rename(this.kind, term.id, name);
      const moved = answer.storiesMoved ?? 0;
      return `Renamed “${term.name}” to “${answer.term.name}”${moved > 0 ? `, in ${moved} ${moved === 1 ? 'story' : 'stories'}` : ''}`;
    });
  }

  async remove(term: TaxonomyTerm): Promise<boolean> {
    return this.#change(async () => {
      await taxonomyApi.remove(this.kind, term.id);
      return `Removed “${term.name}”`;
    });
  }

  async #change(work: () => Promise<string>, asForm = false): Promise<boolean> {
    this.busy = true;
    this.changeError = null;
    this.done = null;
    try {
      this.done = await work();
      await this.load();
      return true;
    } catch (error) {
      if (asForm) this.errors = formErrorsFrom(error);
      else this.changeError = errorMessage(error);
      return false;
    } finally {
      this.busy = false;
    }
  }
}
