/**
 * The workflow buttons' work: submit for review, send back, publish (or
 * publish an update), schedule, cancel a schedule, unpublish, and choose the
 * web address. Actions that send the text on (submit, publish, schedule) wait
 * until our last keystrokes are saved, since the server acts on what it has.
 * Each answer's workflow shows at once; the `story:workflow` broadcast
 * brings the same to everyone else. Refusals are kept here for the page:
 * per-field ones go to the checks, the rest to `error` (or to the dialog that
 * asked).
 */
import { PublishStoryBody, ReturnStoryBody, ScheduleStoryBody, SetSlugBody, type WorkflowResult } from '../../../shared/api';
import { slugProblemOf } from '../../../shared/publicationChecks';
import type { WorkflowAction } from '../../../shared/workflow';
import { api, ApiError, errorMessage } from '../api';
import { checkForm, formErrorsFrom, type FormErrors } from '../forms';
import type { StoryChecks } from './StoryChecks.svelte';
import type { StorySession } from './StorySession.svelte';

const SAVE_WAIT_MS = 10_000;

const OFFLINE = 'You are offline. This needs a connection so the latest changes go with it.';

export class WorkflowActions {
  /** The request under way, if any. */
  busy = $state<WorkflowAction | 'slug' | null>(null);
  /** A refusal that is not about one field (offline, no permission, server error). */
  error = $state<string | null>(null);
  /** The server refused the web address (taken, malformed). */
  slugError = $state<string | null>(null);
  #session: StorySession;
  #checks: StoryChecks;

  constructor(session: StorySession, checks: StoryChecks) {
    this.#session = session;
    this.#checks = checks;
  }

  submit(): Promise<boolean> {
    this.#checks.attempted = true;
    return this.#simple('submit', () => api.submitStory(this.#session.storyId), true);
  }

  /** Open work that publishing would go ahead over (open suggestions, unresolved threads): Publish asks first while there is some. */
  get warnings(): string[] {
    return this.#checks.warnings;
  }

  /** Publishes, or publishes an update of a live story. */
  publish(): Promise<boolean> {
    this.#checks.attempted = true;
    return this.#simple('publish', () => api.publishStory(this.#session.storyId), true);
  }

  /** Publishes an update of a live story with a correction noted at the foot of its page; the dialog's errors, or null once done. */
  async publishCorrection(correction: string): Promise<FormErrors | null> {
    this.#checks.attempted = true;
    const checked = checkForm(PublishStoryBody, { correction });
    if ('errors' in checked) return checked.errors;
    if (!checked.data?.correction) return { message: null, fields: { correction: 'Say what was corrected' } };
    return this.#inDialog('publish', () => api.publishStory(this.#session.storyId, checked.data), true);
  }

  unschedule(): Promise<boolean> {
    return this.#simple('unschedule', () => api.unscheduleStory(this.#session.storyId), false);
  }

  unpublish(): Promise<boolean> {
    return this.#simple('unpublish', () => api.unpublishStory(this.#session.storyId), false);
  }

  /** "Send back" with a note; the dialog's errors, or null once sent. */
  async sendBack(note: string): Promise<FormErrors | null> {
    const checked = checkForm(ReturnStoryBody, { note });
    if ('errors' in checked) return checked.errors;
    return this.#inDialog('return', () => api.returnStory(this.#session.storyId, checked.data), false);
  }

  /** Schedules publication at `at` (ISO 8601 with offset); the dialog's errors, or null once scheduled. */
  async schedule(at: string): Promise<FormErrors | null> {
    this.#checks.attempted = true;
    const checked = checkForm(ScheduleStoryBody, { at });
    if ('errors' in checked) return checked.errors;
    return this.#inDialog('schedule', () => api.scheduleStory(this.#session.storyId, checked.data), true);
  }

  /** Chooses the web address (null: follow the headline again); true once saved. */
  async setSlug(slug: string | null): Promise<boolean> {
    if (this.busy) return false;
    this.slugError = slug === null ? null : slugProblemOf(slug.trim());
    if (this.slugError) return false;
    const checked = checkForm(SetSlugBody, { slug });
    if ('errors' in checked) {
      this.slugError = checked.errors.fields.slug ?? checked.errors.message;
      return false;
    }
    this.busy = 'slug';
    try {
      const { workflow } = await api.setSlug(this.#session.storyId, checked.data);
      this.#session.showWorkflow(workflow);
      this.#checks.edited('slug');
      this.#checks.refreshSoon();
      return true;
    } catch (error) {
      this.slugError = error instanceof ApiError ? (error.fields.slug ?? error.message) : errorMessage(error);
      return false;
    } finally {
      this.busy = null;
    }
  }

  dismiss(): void {
    this.error = null;
  }

  /** An action straight from its button: refusals show on the page. */
  async #simple(action: WorkflowAction, request: () => Promise<WorkflowResult>, sendsText: boolean): Promise<boolean> {
    try {
      return await this.#run(action, request, sendsText);
    } catch (error) {
      this.#refused(error);
      return false;
    }
  }

  /**
   * An action from a dialog: what is about the dialog's input goes back to it;
   * per-field reasons about the story close it and show by their fields.
   */
  async #inDialog(action: WorkflowAction, request: () => Promise<WorkflowResult>, sendsText: boolean): Promise<FormErrors | null> {
    try {
      await this.#run(action, request, sendsText);
      return null;
    } catch (error) {
      if (error instanceof ApiError && this.#checks.refuse(error.fields)) {
        this.error = error.message;
        return null;
      }
      return formErrorsFrom(error);
    }
  }

  /** True once done; false if another action was under way; throws the refusal. */
  async #run(action: WorkflowAction, request: () => Promise<WorkflowResult>, sendsText: boolean): Promise<boolean> {
    if (this.busy) return false;
    const { provider } = this.#session;
    if (sendsText && provider.status !== 'connected') throw new ApiError(0, 'network', OFFLINE);
    this.error = null;
    this.busy = action;
    try {
      if (sendsText) await Promise.race([provider.whenSaved(), new Promise((resolve) => setTimeout(resolve, SAVE_WAIT_MS))]);
      const { workflow } = await request();
      this.#session.showWorkflow(workflow);
      if (sendsText) this.#checks.refused = {};
      return true;
    } finally {
      this.busy = null;
    }
  }

  #refused(error: unknown): void {
    this.error = errorMessage(error);
    if (error instanceof ApiError && Object.keys(error.fields).length > 0) this.#checks.refuse(error.fields);
  }
}
