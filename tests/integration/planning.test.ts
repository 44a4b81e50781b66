/**
 * Issue 18, planning: assignees, due time, priority, section and tags are written into the story's Y.Doc
 * by a real Yjs client (as the editor writes them) and reach the newsroom list within seconds, checked:
 * any client can write anything there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASSIGNEES_ROOT, PLANNING_ROOT, TAGS_ROOT } from '../../shared/planning';
import type { StorySummary } from '../../shared/api';
import type { NotificationPage } from '../../shared/notifications';
import { connectClient, createStory, eventually, type TestClient } from '../helpers/clients';
import { call } from '../helpers/http';
import { createUser, startTestServer, type TestServer, type TestUser } from '../helpers/testServer';

let server: TestServer;
let editor: TestUser;
let writer: TestUser;
const clients: TestClient[] = [];

beforeAll(async () => {
  // Reminders swept often, so "due within the hour" is seen within the test.
  server = await startTestServer({ env: { DUE_SOON_CHECK_MS: '200' } });
  editor = await createUser(server, 'editor', 'Eve Editor');
  writer = await createUser(server, 'writer', 'Wren Writer');
});

afterAll(async () => {
  clients.forEach((c) => c.close());
  await server?.close();
});

async function listed(storyId: string, user: TestUser = editor): Promise<StorySummary | undefined> {
  const answer = await call(server, 'GET', '/api/stories', { user });
  expect(answer.status).toBe(200);
  return (answer.body.stories as StorySummary[]).find((story) => story.id === storyId);
}

describe('planning', () => {
  it('reaches the newsroom list from the document, with the assignees’ names', async () => {
    const storyId = await createStory(server, editor);
    const client = await connectClient(server, editor, storyId);
    clients.push(client);
    client.doc.transact(() => {
      client.doc.getMap(ASSIGNEES_ROOT).set(writer.id, true);
      const planning = client.doc.getMap(PLANNING_ROOT);
      planning.set('dueAt', '2026-12-24T18:00:00+01:00');
      planning.set('priority', 'urgent');
      planning.set('section', '  Politics ');
      client.doc.getMap(TAGS_ROOT).set('budget', true);
      client.doc.getMap(TAGS_ROOT).set('council', true);
    });
    const story = await eventually(async () => {
      const found = await listed(storyId);
      if (!found?.planning.dueAt) throw new Error('not yet');
      return found;
    });
    expect(story.planning).toEqual({
      assigneeIds: [writer.id],
      section: 'Politics',
      tags: ['budget', 'council'],
      dueAt: '2026-12-24T17:00:00.000Z',
      priority: 'urgent',
    });
    expect(story.assignees).toEqual([{ id: writer.id, name: 'Wren Writer' }]);

    // Unassigned and cleared again, live.
    client.doc.transact(() => {
      client.doc.getMap(ASSIGNEES_ROOT).delete(writer.id);
      client.doc.getMap(PLANNING_ROOT).delete('dueAt');
    });
    await eventually(async () => {
      const found = await listed(storyId);
      if (found?.planning.dueAt !== null || found.assignees.length > 0) throw new Error('not yet');
    });
  });

  it('keeps only what planning can be when a client writes something else', async () => {
    const storyId = await createStory(server, editor);
    const client = await connectClient(server, editor, storyId);
    clients.push(client);
    client.doc.transact(() => {
      const assignees = client.doc.getMap<unknown>(ASSIGNEES_ROOT);
      assignees.set('<script>', true);
      assignees.set(writer.id, 'yes');
      for (let i = 0; i < 30; i++) assignees.set(`user-${i}`, true);
      const planning = client.doc.getMap<unknown>(PLANNING_ROOT);
      planning.set('dueAt', 'tomorrow-ish');
      planning.set('priority', 'toString');
      planning.set('section', 'x'.repeat(500));
      client.doc.getMap<unknown>(TAGS_ROOT).set('t'.repeat(100), true);
      client.doc.getMap<unknown>(TAGS_ROOT).set('ok', true);
    });
    const story = await eventually(async () => {
      const found = await listed(storyId);
      if (found?.planning.tags.length === 0) throw new Error('not yet');
      return found!;
    });
    expect(story.planning.assigneeIds).toHaveLength(10);
    expect(story.planning.assigneeIds).not.toContain('<script>');
    expect(story.planning.assigneeIds).not.toContain(writer.id);
    expect(story.planning).toMatchObject({ dueAt: null, priority: 'normal', section: null, tags: ['ok'] });
  });

  it('tells the newly assigned once, in the assigner’s name, and reminds them an hour before it is due', async () => {
    const storyId = await createStory(server, editor);
    const client = await connectClient(server, editor, storyId);
    clients.push(client);
    const inbox = async () => (await call(server, 'GET', '/api/notifications', { user: writer })).body as NotificationPage;
    const about = async (kind: string) => (await inbox()).notifications.filter((n) => n.storyId === storyId && n.kind === kind);

    client.doc.getMap(ASSIGNEES_ROOT).set(writer.id, true);
    const [assigned] = await eventually(async () => {
      const found = await about('assigned');
      if (found.length === 0) throw new Error('not yet');
      return found;
    });
    expect(assigned.actor).toEqual({ id: editor.id, name: 'Eve Editor' });

    // Due in half an hour: one reminder, however many sweeps follow; editing other planning tells nobody again.
    client.doc.getMap(PLANNING_ROOT).set('dueAt', new Date(Date.now() + 30 * 60 * 1000).toISOString());
    await eventually(async () => {
      if ((await about('due')).length === 0) throw new Error('not yet');
    });
    client.doc.getMap(PLANNING_ROOT).set('priority', 'high');
    await eventually(async () => {
      if ((await listed(storyId))?.planning.priority !== 'high') throw new Error('not yet');
    });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await about('due')).toHaveLength(1);
    expect(await about('assigned')).toHaveLength(1);
  });

  it('filters the list by due time, section and tag, and refuses what is not a filter', async () => {
    const storyId = await createStory(server, editor);
    const client = await connectClient(server, editor, storyId);
    clients.push(client);
    client.doc.transact(() => {
      client.doc.getMap(PLANNING_ROOT).set('dueAt', new Date(Date.now() - 60_000).toISOString());
      client.doc.getMap(PLANNING_ROOT).set('section', 'Harbour desk');
      client.doc.getMap(TAGS_ROOT).set('cranes', true);
    });
    const ids = async (query: string) => {
      const answer = await call(server, 'GET', `/api/stories?${query}`, { user: writer });
      expect(answer.status).toBe(200);
      return (answer.body.stories as StorySummary[]).map((story) => story.id);
    };
    await eventually(async () => {
      if (!(await ids('due=overdue')).includes(storyId)) throw new Error('not yet');
    });
    expect(await ids('due=soon')).not.toContain(storyId);
    expect(await ids('section=Harbour%20desk&tag=cranes')).toEqual([storyId]);
    expect(await ids('tag=crane')).not.toContain(storyId);
    for (const bad of ['due=yesterday', 'section=', `tag=${'x'.repeat(41)}`, 'section=a&section=b']) {
      const answer = await call(server, 'GET', `/api/stories?${bad}`, { user: writer });
      expect(answer.status, bad).toBe(400);
    }
  });

  it('filters by assignee and due today in the reader’s time zone, and sorts by due time, paging past ties and none', async () => {
    const ids = async (query: string) => {
      const answer = await call(server, 'GET', `/api/stories?${query}`, { user: editor });
      expect(answer.status, query).toBe(200);
      return answer.body as { stories: StorySummary[]; next: string | null };
    };
    const plan = async (dueAt: string | null, assignee: boolean) => {
      const storyId = await createStory(server, editor);
      const client = await connectClient(server, editor, storyId);
      clients.push(client);
      client.doc.transact(() => {
        if (dueAt) client.doc.getMap(PLANNING_ROOT).set('dueAt', dueAt);
        if (assignee) client.doc.getMap(ASSIGNEES_ROOT).set(writer.id, true);
        client.doc.getMap(TAGS_ROOT).set('desk-sort', true);
      });
      return storyId;
    };
    const now = Date.now();
    // A zone where it is the middle of the day now: a story due a minute from now is due today there.
    const zone = ['Etc/GMT+10', 'Etc/GMT+4', 'UTC', 'Etc/GMT-6', 'Etc/GMT-12'].find((tz) => {
      const hour = Number(new Intl.DateTimeFormat('en-US', { timeZone: tz, hour: 'numeric', hourCycle: 'h23' }).format(now));
      return hour >= 3 && hour <= 20;
    })!;
    const inAMinute = new Date(now + 60_000).toISOString();
    const tomorrow = new Date(now + 30 * 3600_000).toISOString();
    const soon = await plan(inAMinute, true);
    const soonToo = await plan(inAMinute, false);
    const later = await plan(tomorrow, true);
    const undated = await plan(null, false);
    const undatedToo = await plan(null, true);
    await eventually(async () => {
      const { stories } = await ids('tag=desk-sort');
      if (stories.length < 5 || stories.filter((s) => s.planning.dueAt).length < 3) throw new Error('not yet');
      if ((await ids(`tag=desk-sort&assignee=${writer.id}`)).stories.length < 3) throw new Error('not yet');
    });
    expect((await ids(`tag=desk-sort&assignee=${writer.id}`)).stories.map((s) => s.id).sort()).toEqual([soon, later, undatedToo].sort());
    const today = (await ids(`tag=desk-sort&due=today&tz=${encodeURIComponent(zone)}`)).stories.map((s) => s.id);
    expect(today.sort()).toEqual([soon, soonToo].sort());

    // Sorted by due time, soonest first (ties by id), none last, however the pages fall.
    const byId = (a: string, b: string) => (a < b ? -1 : 1);
    const expected = [...[soon, soonToo].sort(byId), later, ...[undated, undatedToo].sort(byId)];
    const all = (await ids('tag=desk-sort&sort=due')).stories.map((s) => s.id);
    expect(all).toEqual(expected);

    for (const bad of ['tz=Mars%2FOlympus', 'due=today&tz=', 'assignee=someone', 'sort=soonest', 'sort=due&before=whenever~x']) {
      const answer = await call(server, 'GET', `/api/stories?${bad}`, { user: writer });
      expect(answer.status, bad).toBe(400);
    }
    // A cursor past the dated stories carries "none".
    const cursor = `none~${[undated, undatedToo].sort(byId)[0]}`;
    expect((await ids(`tag=desk-sort&sort=due&before=${cursor}`)).stories.map((s) => s.id)).toEqual([[undated, undatedToo].sort(byId)[1]]);
  });
});
