/**
 * The Publish button's work: wait until our last keystrokes are saved (the
 * server publishes what it has), ask the server, and keep its answer — the
 * publication, or per-field reasons it refused — for the page to show.
 */
import { isStoryField, type StoryField } from '../../../shared/story';
import { api, ApiError, errorMessage } from '../api';
import type { StorySession } from './storySession.svelte';

const SAVE_WAIT_MS = 10_000;

export class PublishAction {
  busy = $state(false);
  error = $state<string | null>(null);
  fieldErrors = $state.raw<Partial<Record<StoryField, string>>>({});
  #session: StorySession;

  constructor(session: StorySession) {
    this.#session = session;
  }

  async run(): Promise<void> {
    if (this.busy) return;
    this.error = null;
    const { provider } = this.#session;
    if (provider.status !== 'connected') {
      this.error = 'You are offline. Publishing needs a connection so the latest changes go out.';
      return;
    }
    this.busy = true;
    try {
      await Promise.race([provider.whenSaved(), new Promise((resolve) => setTimeout(resolve, SAVE_WAIT_MS))]);
      const { publication } = await api.publishStory(this.#session.storyId);
      this.fieldErrors = {};
      this.#session.showPublication(publication);
    } catch (error) {
      this.error = errorMessage(error);
      this.fieldErrors = error instanceof ApiError ? fieldErrorsOf(error) : {};
    } finally {
      this.busy = false;
    }
  }

  /** What to show by the button: field complaints are shown by their fields instead. */
  get message(): string | null {
    return Object.keys(this.fieldErrors).length === 0 ? this.error : null;
  }

  /** A field's complaint goes away once someone edits it. */
  clearField(field: StoryField): void {
    if (!this.fieldErrors[field]) return;
    const { [field]: _cleared, ...rest } = this.fieldErrors;
    this.fieldErrors = rest;
    if (Object.keys(rest).length === 0) this.error = null;
  }
}

function fieldErrorsOf(error: ApiError): Partial<Record<StoryField, string>> {
  const fields: Partial<Record<StoryField, string>> = {};
  for (const [key, message] of Object.entries(error.fields)) if (isStoryField(key)) fields[key] = message;
  return fields;
}
