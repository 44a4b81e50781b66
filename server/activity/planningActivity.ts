import type { ActivityEvent, ActivityPerson } from '../../shared/activity';
import type { PlanningChange } from '../documents/planningChanges';
import type { Store } from '../persistence/Store';
import type { StoryActivity } from './StoryActivity';

/** Records a story's planning changes (StorySummaries found them) in its timeline, each in its maker's name. */
export async function recordPlanning(activity: StoryActivity, store: Store, storyId: string, changes: PlanningChange[]): Promise<void> {
  const names = new Map((await store.listUsers()).map((u) => [u.id, u.name]));
  const person = (id: string): ActivityPerson => ({ id, name: names.get(id) ?? 'A former member' });
  for (const change of changes) {
    const actor = change.by === null ? null : person(change.by);
    await activity.record(storyId, actor, eventOf(change, person));
  }
}

function eventOf(change: PlanningChange, person: (id: string) => ActivityPerson): ActivityEvent {
  switch (change.kind) {
    case 'assigned':
    case 'unassigned':
      return { kind: change.kind, detail: { people: change.userIds.map(person) } };
    case 'priority':
      return { kind: 'priority', detail: { from: change.from, to: change.to } };
    default:
      return { kind: change.kind, detail: { from: change.from, to: change.to } };
  }
}
