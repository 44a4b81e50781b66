/**
 * The editorial workflow's moves other than publishing itself (publishStory.ts):
 * each checks the role and the story's state on the server, changes the status
 * with a compare-and-set (two editors clicking at once cannot both win), and
 * announces the new state to everyone watching.
 */
import { GalleyError } from '../../shared/errors';
import { slugProblemOf } from '../../shared/publicationChecks';
import { can } from '../../shared/roles';
import {
  ACTION_LABELS,
  ACTION_PERMISSION,
  actionRefusal,
  nextStatus,
  type StoryWorkflow,
  type WorkflowAction,
} from '../../shared/workflow';
import type { StatusChange, StoryRecord, UserRecord } from '../persistence/Store';
import { findStory } from './findStory';
import { checkDraft, refuseIfNotReady, type PublishDeps } from './publishStory';
import { workflowOf } from './workflowState';

/** Loads the story and refuses unless `user` may take `action` from its current state. */
export async function storyFor(deps: PublishDeps, storyId: string, user: UserRecord, action: WorkflowAction): Promise<StoryRecord> {
  const story = await findStory(deps.store, storyId);
  if (!can(user.role, ACTION_PERMISSION[action])) {
    throw new GalleyError('forbidden', `Your role (${user.role}) may not ${ACTION_LABELS[action].toLowerCase()}`);
  }
  const refusal = actionRefusal(workflowOf(story), action);
  if (refusal) throw new GalleyError('conflict', refusal);
  return story;
}

async function move(deps: PublishDeps, story: StoryRecord, user: UserRecord, action: WorkflowAction, extra: Partial<StatusChange> = {}) {
  const change = { status: nextStatus(workflowOf(story), action), at: new Date().toISOString(), by: user.name, ...extra };
  if (!(await deps.store.changeStatus(story.id, change, [story.status]))) {
    throw new GalleyError('conflict', 'Someone changed this story’s status meanwhile: look again and retry');
  }
  return announced(deps, story.id);
}

async function announced(deps: PublishDeps, storyId: string): Promise<StoryWorkflow> {
  deps.announce(storyId);
  return workflowOf(await findStory(deps.store, storyId));
}

export async function submitStory(deps: PublishDeps, storyId: string, user: UserRecord): Promise<StoryWorkflow> {
  const workflow = await move(deps, await storyFor(deps, storyId, user, 'submit'), user, 'submit');
  await deps.activity.record(storyId, user, { kind: 'submitted', detail: {} });
  await deps.notifier.submitted(storyId, user);
  return workflow;
}

/** "Send back": the note tells the writer what to change, and stays with the story until its next move. */
export async function returnStory(deps: PublishDeps, storyId: string, user: UserRecord, note: string): Promise<StoryWorkflow> {
  const workflow = await move(deps, await storyFor(deps, storyId, user, 'return'), user, 'return', { note });
  await deps.activity.record(storyId, user, { kind: 'returned', detail: { note } });
  await deps.notifier.returned(storyId, user, note);
  return workflow;
}

/** Schedules only a story that would publish now: the checks run again when the time comes. */
export async function scheduleStory(deps: PublishDeps, storyId: string, user: UserRecord, at: string): Promise<StoryWorkflow> {
  const story = await storyFor(deps, storyId, user, 'schedule');
  refuseIfNotReady((await checkDraft(deps, story)).problems);
  const scheduledFor = new Date(at).toISOString();
  const workflow = await move(deps, story, user, 'schedule', { scheduledFor, scheduledById: user.id });
  await deps.activity.record(storyId, user, { kind: 'scheduled', detail: { at: scheduledFor } });
  return workflow;
}

export async function unscheduleStory(deps: PublishDeps, storyId: string, user: UserRecord): Promise<StoryWorkflow> {
  const workflow = await move(deps, await storyFor(deps, storyId, user, 'unschedule'), user, 'unschedule');
  await deps.activity.record(storyId, user, { kind: 'unscheduled', detail: {} });
  return workflow;
}

export async function unpublishStory(deps: PublishDeps, storyId: string, user: UserRecord): Promise<StoryWorkflow> {
  await storyFor(deps, storyId, user, 'unpublish');
  if (!(await deps.store.unpublish(storyId, new Date().toISOString(), user.name))) {
    throw new GalleyError('conflict', 'The story is not published');
  }
  await deps.store.setPublishedMedia(storyId, []);
  await deps.activity.record(storyId, user, { kind: 'unpublished', detail: {} });
  await deps.notifier.publication('unpublished', storyId, user);
  return announced(deps, storyId);
}

/**
 * The web address. Before the first publication anyone who may edit chooses it
 * (null: follow the headline again); after it, only those who may publish, and
 * the old address keeps working as a redirect.
 */
export async function setStorySlug(deps: PublishDeps, storyId: string, user: UserRecord, slug: string | null): Promise<StoryWorkflow> {
  const story = await findStory(deps.store, storyId);
  const published = story.publishedAt !== null;
  if (!can(user.role, published ? 'story:publish' : 'story:edit')) {
    throw new GalleyError(
      'forbidden',
      published ? 'Only editors may change the address of a published story' : 'You may not edit this story',
    );
  }
  const problem = slug === null ? (published ? 'A published story keeps a web address' : null) : slugProblemOf(slug);
  if (problem) throw new GalleyError('invalid', problem, { slug: problem });
  if (!(await deps.store.setSlug(storyId, slug))) {
    throw new GalleyError('conflict', 'Another story already uses this web address', {
      slug: 'Another story already uses this web address',
    });
  }
  return announced(deps, storyId);
}
