/**
 * The editorial workflow: a story's status, what moves it, and who may.
 * Pure and shared: the server enforces it, the client uses it to offer only
 * the buttons that will work.
 *
 *   draft ──submit──▶ in_review ──publish──▶ published ──unpublish──▶ unpublished
 *     ▲                  │  │                    │
 *     └──────return──────┘  └─schedule─▶ scheduled ─(time comes)─▶ published
 *
 * Whether a public page is up (`live`) is kept apart from the status: a
 * published story can be sent for review again with its page still up.
 */
import type { Action, Role } from './roles';
import { can } from './roles';

export const STORY_STATUSES = ['draft', 'in_review', 'scheduled', 'published', 'unpublished'] as const;
export type StoryStatus = (typeof STORY_STATUSES)[number];

export const STATUS_LABELS: Record<StoryStatus, string> = {
  draft: 'Draft',
  in_review: 'In review',
  scheduled: 'Scheduled',
  published: 'Published',
  unpublished: 'Unpublished',
};

const WORKFLOW_ACTIONS = ['submit', 'return', 'publish', 'schedule', 'unschedule', 'unpublish'] as const;
export type WorkflowAction = (typeof WORKFLOW_ACTIONS)[number];

/** The workflow state of one story, as the server reports it. */
export type StoryWorkflow = {
  status: StoryStatus;
  /** When the status last changed, and by whom (a name; null for the system). */
  changedAt: string;
  changedBy: string | null;
  /** The editor's note when a story was sent back; null otherwise. */
  note: string | null;
  /** When a scheduled story goes out (ISO 8601), else null. */
  scheduledFor: string | null;
  /** A public page is up. */
  live: boolean;
  /** The story's address: chosen or fixed at first publication; null while it follows the headline. */
  slug: string | null;
  /** First and latest publication; null before the first. */
  publishedAt: string | null;
  updatedAt: string | null;
  publishedBy: string | null;
};

/** The permission each action needs. */
export const ACTION_PERMISSION: Record<WorkflowAction, Action> = {
  submit: 'story:edit',
  return: 'story:publish',
  publish: 'story:publish',
  schedule: 'story:publish',
  unschedule: 'story:publish',
  unpublish: 'story:publish',
};

export const ACTION_LABELS: Record<WorkflowAction, string> = {
  submit: 'Submit for review',
  return: 'Send back',
  publish: 'Publish',
  schedule: 'Schedule',
  unschedule: 'Cancel schedule',
  unpublish: 'Unpublish',
};

/** Why an action is not possible from a state, or null when it is. */
export function actionRefusal(state: Pick<StoryWorkflow, 'status' | 'live'>, action: WorkflowAction): string | null {
  const { status, live } = state;
  switch (action) {
    case 'submit':
      return status === 'in_review' || status === 'scheduled' ? `The story is already ${STATUS_LABELS[status].toLowerCase()}` : null;
    case 'return':
      return status === 'in_review' || status === 'scheduled' ? null : 'Only stories in review or scheduled can be sent back';
    case 'publish':
    case 'schedule':
      return null;
    case 'unschedule':
      return status === 'scheduled' ? null : 'The story is not scheduled';
    case 'unpublish':
      return live ? null : 'The story is not published';
  }
}

/** The status an action leads to (publish goes through checks first; see publishStory). */
export function nextStatus(state: Pick<StoryWorkflow, 'status' | 'live'>, action: WorkflowAction): StoryStatus {
  switch (action) {
    case 'submit':
      return 'in_review';
    case 'return':
      return 'draft';
    case 'publish':
      return 'published';
    case 'schedule':
      return 'scheduled';
    case 'unschedule':
      return state.live ? 'published' : 'draft';
    case 'unpublish':
      return 'unpublished';
  }
}

/**
 * Actions this role may take from this state: the buttons to show. Someone who may publish is not offered
 * "Submit for review" (they publish, or send back); the server still accepts it from them.
 */
export function availableActions(role: Role, state: Pick<StoryWorkflow, 'status' | 'live'>): WorkflowAction[] {
  const publishes = can(role, 'story:publish');
  return WORKFLOW_ACTIONS.filter(
    (action) => can(role, ACTION_PERMISSION[action]) && actionRefusal(state, action) === null && !(action === 'submit' && publishes),
  );
}
