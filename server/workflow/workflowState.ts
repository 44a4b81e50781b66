import type { StoryWorkflow } from '../../shared/workflow';
import type { StoryRecord } from '../persistence/Store';

/** The workflow part of a stored story, as clients see it. */
export function workflowOf(story: StoryRecord): StoryWorkflow {
  return {
    status: story.status,
    changedAt: story.statusChangedAt,
    changedBy: story.statusChangedBy,
    note: story.statusNote,
    scheduledFor: story.scheduledFor,
    live: story.live,
    slug: story.slug,
    publishedAt: story.publishedAt,
    updatedAt: story.lastPublishedAt,
    publishedBy: story.publishedBy,
  };
}

/** A new, empty draft written by `author`. */
export function newDraft(id: string, author: { id: string; name: string }, now: string): StoryRecord {
  return {
    id,
    headline: '',
    createdAt: now,
    createdBy: author.id,
    updatedAt: now,
    status: 'draft',
    statusChangedAt: now,
    statusChangedBy: author.name,
    statusNote: null,
    scheduledFor: null,
    scheduledById: null,
    slug: null,
    live: false,
    publishedAt: null,
    lastPublishedAt: null,
    publishedBy: null,
    archivedAt: null,
  };
}
