/**
 * Issue 18, each story's activity timeline: a story driven through its life by real clients (a real
 * Yjs client writing the planning, the HTTP API for the workflow) has every step in its timeline, with
 * who did it, newest first, over the route; an open copy of the story hears each new entry live.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityPage, ActivityView } from '../../shared/activity';
import { ASSIGNEES_ROOT, PLANNING_ROOT } from '../../shared/planning';
import { connectClient, createStory, eventually, setParagraphs, type TestClient } from '../helpers/clients';
import { call } from '../helpers/http';
import { createUser, startTestServer, type TestServer, type TestUser } from '../helpers/testServer';

let server: TestServer;
let editor: TestUser;
let writer: TestUser;
let viewer: TestUser;
const clients: TestClient[] = [];

beforeAll(async () => {
  // Automatic versions taken quickly, to see that they stay out of the timeline; schedules checked often.
  server = await startTestServer({ env: { AUTO_VERSION_IDLE_MS: '100', SCHEDULE_CHECK_MS: '100' } });
  editor = await createUser(server, 'editor', 'Ana Editor');
  writer = await createUser(server, 'writer', 'Wren Writer');
  viewer = await createUser(server, 'viewer', 'Val Viewer');
});

afterAll(async () => {
  clients.forEach((c) => c.close());
  await server?.close();
});

async function join(user: TestUser, storyId: string): Promise<TestClient> {
  const client = await connectClient(server, user, storyId);
  clients.push(client);
  return client;
}

async function timeline(storyId: string, user: TestUser = viewer, query = ''): Promise<ActivityPage> {
  const answer = await call(server, 'GET', `/api/stories/${storyId}/activity${query}`, { user });
  expect(answer.status, answer.text).toBe(200);
  return answer.body as ActivityPage;
}

const post = async (user: TestUser, path: string, body?: unknown, status = 200) => {
  const answer = await call(server, 'POST', path, { user, body });
  expect(answer.status, answer.text).toBe(status);
  return answer.body;
};

/** What the timeline says, oldest first: kind and who. */
const steps = (entries: ActivityView[]) => entries.map((e) => [e.kind, e.actor?.name ?? null]).reverse();

describe('the activity timeline', () => {
  it('records a story’s life, with who did each step, newest first, and pushes each entry live', async () => {
    const storyId = await createStory(server, writer);
    const wren = await join(writer, storyId);
    const ana = await join(editor, storyId);
    const heard: ActivityView[] = [];
    ana.provider.socket.on('story:activity', (id, entry) => id === storyId && heard.push(entry));
    setParagraphs(wren.doc, 'headline', ['Council votes on the ferry']);
    setParagraphs(wren.doc, 'standfirst', ['A short summary.']);
    setParagraphs(wren.doc, 'byline', ['Wren Writer']);
    setParagraphs(wren.doc, 'body', ['The quick brown fox jumps over the lazy dog']);
    await wren.provider.whenSaved();

    // Ana assigns Wren and sets the priority, in the story's document, as the Planning panel does.
    ana.doc.transact(() => {
      ana.doc.getMap(ASSIGNEES_ROOT).set(writer.id, true);
      ana.doc.getMap(PLANNING_ROOT).set('priority', 'urgent');
    });
    await ana.provider.whenSaved();
    await eventually(async () => expect((await timeline(storyId)).activity.map((e) => e.kind)).toContain('priority'), 10_000);

    const path = `/api/stories/${storyId}`;
    await post(writer, `${path}/submit`);
    await post(editor, `${path}/return`, { note: 'Needs a second source' });
    await post(writer, `${path}/submit`);
    await post(editor, `${path}/publish`);
    const { revision } = await post(writer, `${path}/versions`, { name: 'Before legal' }, 201);
    await post(writer, `${path}/revisions/${revision.number}/restored`, undefined, 204);
    await post(editor, `${path}/unpublish`);

    // Unassigned by Ana: the server finds who from her recorded deletion.
    ana.doc.getMap(ASSIGNEES_ROOT).delete(writer.id);
    await ana.provider.whenSaved();
    await eventually(async () => expect((await timeline(storyId)).activity[0].kind).toBe('unassigned'), 10_000);

    const { activity, next } = await timeline(storyId);
    expect(next).toBeNull();
    expect(steps(activity)).toEqual([
      ['created', 'Wren Writer'],
      ['assigned', 'Ana Editor'],
      ['priority', 'Ana Editor'],
      ['submitted', 'Wren Writer'],
      ['returned', 'Ana Editor'],
      ['submitted', 'Wren Writer'],
      ['published', 'Ana Editor'],
      ['version', 'Wren Writer'],
      ['restored', 'Wren Writer'],
      ['unpublished', 'Ana Editor'],
      ['unassigned', 'Ana Editor'],
    ]);
    const byKind = new Map(activity.map((e) => [e.kind, e]));
    expect(byKind.get('assigned')?.detail).toEqual({ people: [{ id: writer.id, name: 'Wren Writer' }] });
    expect(byKind.get('priority')?.detail).toEqual({ from: 'normal', to: 'urgent' });
    expect(byKind.get('returned')?.detail).toEqual({ note: 'Needs a second source' });
    expect(byKind.get('published')?.detail).toMatchObject({ scheduled: false });
    expect(byKind.get('version')?.detail).toEqual({ number: revision.number, name: 'Before legal' });
    expect(byKind.get('restored')?.detail).toEqual({ number: revision.number, name: 'Before legal' });
    expect(activity.every((e) => e.storyId === storyId && !Number.isNaN(Date.parse(e.at)))).toBe(true);
    // Every entry made while Ana had the story open reached her, in order (created was before she joined).
    await eventually(() =>
      expect(heard.map((e) => e.id)).toEqual(
        activity
          .slice(0, -1)
          .map((e) => e.id)
          .reverse(),
      ),
    );
  }, 30_000);

  it('records a republication and a revert, and leaves automatic versions out', async () => {
    const storyId = await createStory(server, writer);
    const wren = await join(writer, storyId);
    setParagraphs(wren.doc, 'headline', ['Ferry fares rise']);
    setParagraphs(wren.doc, 'standfirst', ['A short summary.']);
    setParagraphs(wren.doc, 'byline', ['Wren Writer']);
    setParagraphs(wren.doc, 'body', ['Fares rise again this spring']);
    await wren.provider.whenSaved();
    const path = `/api/stories/${storyId}`;
    await post(editor, `${path}/publish`);
    setParagraphs(wren.doc, 'body', ['Fares rise again this summer']);
    await wren.provider.whenSaved();
    await eventually(async () => expect((await server.store.listRevisions(storyId)).map((r) => r.kind)).toContain('auto'));
    await post(editor, `${path}/publish`);
    expect((await post(editor, `${path}/revisions/1/revert`, { userId: writer.id })).reverted).toBe(true);
    const { activity } = await timeline(storyId);
    expect(steps(activity)).toEqual([
      ['created', 'Wren Writer'],
      ['published', 'Ana Editor'],
      ['republished', 'Ana Editor'],
      ['reverted', 'Ana Editor'],
    ]);
    expect(activity[0].detail).toEqual({ number: 1, author: { id: writer.id, name: 'Wren Writer' } });
  });

  it('records scheduling, a publication by the schedule in the scheduler’s name, and a schedule Galley dropped', async () => {
    const ready = async (headline: string) => {
      const storyId = await createStory(server, writer);
      const wren = await join(writer, storyId);
      setParagraphs(wren.doc, 'headline', [headline]);
      setParagraphs(wren.doc, 'standfirst', ['A short summary.']);
      setParagraphs(wren.doc, 'byline', ['Wren Writer']);
      setParagraphs(wren.doc, 'body', ['Night buses run again from Friday']);
      await wren.provider.whenSaved();
      return { storyId, wren, path: `/api/stories/${storyId}` };
    };
    const soon = () => new Date(Date.now() + 1_500).toISOString();

    const goes = await ready('Night buses return');
    await post(editor, `${goes.path}/schedule`, { at: new Date(Date.now() + 3_600_000).toISOString() });
    const cancelled = await call(server, 'DELETE', `${goes.path}/schedule`, { user: editor });
    expect(cancelled.status).toBe(200);
    const at = soon();
    await post(editor, `${goes.path}/schedule`, { at });
    await eventually(async () => expect((await timeline(goes.storyId)).activity[0].kind).toBe('published'), 10_000);
    const { activity } = await timeline(goes.storyId);
    expect(steps(activity)).toEqual([
      ['created', 'Wren Writer'],
      ['scheduled', 'Ana Editor'],
      ['unscheduled', 'Ana Editor'],
      ['scheduled', 'Ana Editor'],
      ['published', 'Ana Editor'],
    ]);
    expect(activity[1].detail).toEqual({ at });
    expect(activity[0].detail).toMatchObject({ scheduled: true });

    // Not ready when its time comes: Galley drops the schedule and says why.
    const dropped = await ready('Loses its standfirst');
    await post(editor, `${dropped.path}/schedule`, { at: new Date(Date.now() + 3_000).toISOString() });
    setParagraphs(dropped.wren.doc, 'standfirst', []);
    await dropped.wren.provider.whenSaved();
    await eventually(async () => expect((await timeline(dropped.storyId)).activity[0].kind).toBe('unscheduled'), 10_000);
    const [last] = (await timeline(dropped.storyId)).activity;
    expect(last.actor).toBeNull();
    expect(last.kind === 'unscheduled' && last.detail.note).toMatch(/did not go out.*standfirst/i);
  }, 30_000);

  it('pages through a long timeline without loss, and refuses bad cursors, unknown keys and unknown stories', async () => {
    const storyId = await createStory(server, writer);
    const path = `/api/stories/${storyId}`;
    for (let i = 0; i < 30; i++) {
      await post(writer, `${path}/submit`);
      await post(editor, `${path}/return`, { note: `Round ${i}` });
    }
    const first = await timeline(storyId);
    expect(first.activity).toHaveLength(50);
    expect(first.next).toBe(first.activity[49].id);
    const second = await timeline(storyId, viewer, `?before=${first.next}`);
    expect(second.next).toBeNull();
    expect([...first.activity, ...second.activity].map((e) => e.kind).reverse()).toEqual([
      'created',
      ...Array.from({ length: 30 }, () => ['submitted', 'returned']).flat(),
    ]);
    for (const query of ['?before=abc', '?before=-1', '?before=1&before=2', '?page=2']) {
      expect((await call(server, 'GET', `${path}/activity${query}`, { user: viewer })).status, query).toBe(400);
    }
    expect((await call(server, 'GET', `/api/stories/${crypto.randomUUID()}/activity`, { user: viewer })).status).toBe(404);
    expect((await call(server, 'GET', `${path}/activity`)).status).toBe(401);
  }, 30_000);
});
