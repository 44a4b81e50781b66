/**
 * The editorial workflow end to end, over HTTP, against a real server with real
 * accounts of every role: submit, send back, publish, update, unpublish and
 * republish; state conflicts and races; the live `story:workflow` push; the
 * pre-publish checks; web addresses; revisions and previews.
 *
 * Story text is written through real Yjs clients; workflow events are watched
 * through raw Socket.IO connections that join the story like the editor does.
 */
import { parseDocument, DomUtils } from 'htmlparser2';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { StorySummary } from '../../shared/api';
import { PROTOCOL_VERSION, type ClientToServerEvents, type JoinAnswer, type ServerToClientEvents } from '../../shared/protocol';
import type { StoryStatus, StoryWorkflow } from '../../shared/workflow';
import { fragmentText } from '../../server/publishing/storyContent';
import { connectClient, createStory, eventually, setParagraphs, type TestClient, rawSocket } from '../helpers/clients';
import { call, type Answer } from '../helpers/http';
import { createUser, startTestServer, type TestServer, type TestUser } from '../helpers/testServer';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

let server: TestServer;
let writer: TestUser;
let otherWriter: TestUser;
let editor: TestUser;
let otherEditor: TestUser;
let admin: TestUser;
let viewer: TestUser;
const clients: TestClient[] = [];
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  server = await startTestServer();
  writer = await createUser(server, 'writer', 'Wren Writer');
  otherWriter = await createUser(server, 'writer', 'Wyn Writer');
  editor = await createUser(server, 'editor', 'Eddie Editor');
  otherEditor = await createUser(server, 'editor', 'Edna Editor');
  admin = await createUser(server, 'admin', 'Ada Admin');
  viewer = await createUser(server, 'viewer', 'Vic Viewer');
});

afterAll(async () => {
  sockets.forEach((s) => s.disconnect());
  clients.forEach((c) => c.close());
  await server?.close();
});

// ---------------------------------------------------------------------------------------------
// Helpers

const api = (method: string, path: string, user?: TestUser, body?: unknown): Promise<Answer> => call(server, method, path, { user, body });
const storyPath = (storyId: string, rest = '') => `/api/stories/${storyId}${rest}`;

type Fields = { headline?: string[]; standfirst?: string[]; byline?: string[]; body?: string[] };

const ready = (headline: string): Required<Fields> => ({
  headline: [headline],
  standfirst: ['A standfirst that sums the story up.'],
  byline: ['Wren Writer'],
  body: ['The first paragraph of the body.', 'A second paragraph.'],
});

/** A new story, its fields written by `author` through a real Yjs client (kept open for later edits). */
async function draft(author: TestUser, fields: Fields): Promise<{ storyId: string; client: TestClient }> {
  const storyId = await createStory(server, author);
  const client = await connectClient(server, author, storyId);
  clients.push(client);
  await edit(client, fields);
  return { storyId, client };
}

/** Rewrites fields through the client and waits until the server has stored them. */
async function edit(client: TestClient, fields: Fields): Promise<void> {
  for (const [field, paragraphs] of Object.entries(fields)) setParagraphs(client.doc, field, paragraphs);
  await client.provider.whenSaved();
}

/** The story as GET /api/stories lists it. */
async function listed(storyId: string): Promise<StorySummary> {
  const answer = await api('GET', '/api/stories', viewer);
  expect(answer.status).toBe(200);
  const story = (answer.body.stories as StorySummary[]).find((s) => s.id === storyId);
  expect(story, `story ${storyId} in GET /api/stories`).toBeDefined();
  return story!;
}

const statusOf = async (storyId: string): Promise<StoryStatus> => (await listed(storyId)).workflow.status;

async function revisionNumbers(storyId: string): Promise<number[]> {
  const answer = await api('GET', storyPath(storyId, '/revisions'), viewer);
  expect(answer.status).toBe(200);
  return (answer.body.revisions as Array<{ number: number }>).map((r) => r.number);
}

/** The address the story would publish at now (GET …/checks). */
async function slugFor(storyId: string): Promise<string> {
  const answer = await api('GET', storyPath(storyId, '/checks'), viewer);
  expect(answer.status).toBe(200);
  return answer.body.slug as string;
}

const publicPage = (slug: string) => call(server, 'GET', `/stories/${slug}`);

/** Where the story is listed for readers: the index, the Atom feed, the JSON feed. */
async function listedPublicly(slug: string): Promise<{ index: boolean; atom: boolean; json: boolean }> {
  const index = await call(server, 'GET', '/stories');
  const atom = await call(server, 'GET', '/feed.xml');
  const json = await call(server, 'GET', '/feed.json');
  expect([index.status, atom.status, json.status]).toEqual([200, 200, 200]);
  return {
    index: index.text.includes(`href="/stories/${slug}"`),
    atom: atom.text.includes(`/stories/${slug}"`),
    json: (json.body.items as Array<{ url: string }>).some((item) => item.url.endsWith(`/stories/${slug}`)),
  };
}

function expectError(answer: Answer, status: number, code: string): void {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  expect(answer.body.error.code).toBe(code);
  expect(answer.body.error.message).toEqual(expect.any(String));
}

/** A raw Socket.IO connection joined to the story, recording every `story:workflow` it is sent. */
type Watcher = { joined: StoryWorkflow; events: StoryWorkflow[]; socket: ClientSocket };

async function watch(user: TestUser, storyId: string): Promise<Watcher> {
  const socket: ClientSocket = rawSocket(server.url, { extraHeaders: { cookie: user.cookie } });
  sockets.push(socket);
  const events: StoryWorkflow[] = [];
  socket.on('story:workflow', (id, workflow) => {
    if (id === storyId) events.push(workflow);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  const answer = await socket.timeout(5_000).emitWithAck('story:join', { storyId, protocolVersion: PROTOCOL_VERSION });
  if (!answer.ok) throw new Error(`join refused: ${answer.error.code}`);
  return { joined: (answer.data as JoinAnswer).workflow, events, socket };
}

/**
 * Runs a move and expects the watcher to be sent a workflow state satisfying `pushed` within a
 * second of the move (the server announces before it answers, so the clock starts at the answer;
 * a slow request on a busy machine does not eat into the second). Returns the HTTP answer.
 */
async function pushedWithin1s(
  watcher: Watcher,
  move: () => Promise<Answer>,
  pushed: (w: StoryWorkflow) => boolean,
): Promise<{ answer: Answer; event: StoryWorkflow }> {
  const seen = watcher.events.length;
  const answer = await move();
  const answered = Date.now();
  const event = await eventually(() => {
    const found = watcher.events.slice(seen).find(pushed);
    expect(found, `a story:workflow event after the move (got ${JSON.stringify(watcher.events.slice(seen))})`).toBeDefined();
    return found!;
  }, 1_000);
  expect(Date.now() - answered).toBeLessThanOrEqual(1_000);
  return { answer, event };
}

/** No `story:workflow` arrives for a while: the refused move changed nothing anyone sees. */
async function expectNothingPushed(watcher: Watcher, since: number, waitMs = 150): Promise<void> {
  await new Promise((r) => setTimeout(r, waitMs));
  expect(watcher.events.slice(since)).toEqual([]);
}

function htmlText(html: string, selector: (name: string) => boolean): string[] {
  const doc = parseDocument(html);
  return DomUtils.findAll((el) => selector(el.name), doc.children).map((el) => DomUtils.textContent(el));
}

// ---------------------------------------------------------------------------------------------

describe('the whole workflow, as the newsroom uses it', () => {
  it('submit, send back, resubmit, publish, update, unpublish and republish, each move by the right role and pushed live', async () => {
    const { storyId, client } = await draft(writer, ready('Council approves new cycle lanes'));
    const watcher = await watch(viewer, storyId);
    // The join answer carries the current state.
    expect(watcher.joined).toMatchObject({
      status: 'draft',
      live: false,
      changedBy: writer.name,
      note: null,
      publishedAt: null,
      slug: null,
    });

    // A viewer may not submit: 403, nothing changes, nothing is pushed.
    let seen = watcher.events.length;
    expectError(await api('POST', storyPath(storyId, '/submit'), viewer), 403, 'forbidden');
    expect((await listed(storyId)).workflow).toEqual(watcher.joined);
    await expectNothingPushed(watcher, seen);

    // The writer submits: in review, by them, now — in the list and pushed live.
    let before = new Date().toISOString();
    const submitted = await pushedWithin1s(
      watcher,
      () => api('POST', storyPath(storyId, '/submit'), writer),
      (w) => w.status === 'in_review',
    );
    expect(submitted.answer.status).toBe(200);
    expect(submitted.answer.body.workflow).toMatchObject({ status: 'in_review', changedBy: writer.name });
    expect(submitted.event).toEqual(submitted.answer.body.workflow);
    const summary = await listed(storyId);
    expect(summary.workflow).toEqual(submitted.answer.body.workflow);
    expect(summary.workflow.changedAt >= before && summary.workflow.changedAt <= new Date().toISOString()).toBe(true);

    // A writer may not send it back.
    seen = watcher.events.length;
    expectError(await api('POST', storyPath(storyId, '/return'), writer, { note: 'Not yours to send back' }), 403, 'forbidden');
    expect(await statusOf(storyId)).toBe('in_review');
    await expectNothingPushed(watcher, seen);

    // The editor sends it back with a note, which reaches the writer live.
    const note = 'Needs a second source for the cost figure.';
    const returned = await pushedWithin1s(
      watcher,
      () => api('POST', storyPath(storyId, '/return'), editor, { note }),
      (w) => w.status === 'draft',
    );
    expect(returned.answer.status).toBe(200);
    expect(returned.event).toMatchObject({ status: 'draft', note, changedBy: editor.name });
    expect((await listed(storyId)).workflow).toMatchObject({ status: 'draft', note, changedBy: editor.name });

    // The writer fixes it and resubmits; the note is cleared by the move.
    await edit(client, { body: ['The first paragraph of the body.', 'The council’s own figures put the cost at £2m.'] });
    const resubmitted = await pushedWithin1s(
      watcher,
      () => api('POST', storyPath(storyId, '/submit'), writer),
      (w) => w.status === 'in_review',
    );
    expect(resubmitted.answer.status).toBe(200);
    expect(resubmitted.event).toMatchObject({ status: 'in_review', note: null, changedBy: writer.name });

    // A writer may not publish: 403, no revision, no public page.
    const slug = await slugFor(storyId);
    expect(slug).toBe('council-approves-new-cycle-lanes');
    seen = watcher.events.length;
    expectError(await api('POST', storyPath(storyId, '/publish'), writer), 403, 'forbidden');
    expect(await revisionNumbers(storyId)).toEqual([]);
    expect((await publicPage(slug)).status).toBe(404);
    expect(await statusOf(storyId)).toBe('in_review');
    await expectNothingPushed(watcher, seen);

    // The editor publishes: revision 1, page up, pushed live.
    before = new Date().toISOString();
    const published = await pushedWithin1s(
      watcher,
      () => api('POST', storyPath(storyId, '/publish'), editor),
      (w) => w.status === 'published',
    );
    expect(published.answer.status).toBe(200);
    const { publication, workflow } = published.answer.body;
    expect(publication).toMatchObject({ storyId, slug, url: `${server.url}/stories/${slug}`, publishedBy: editor.name });
    expect(workflow).toMatchObject({ status: 'published', live: true, slug, publishedBy: editor.name, changedBy: editor.name });
    expect(workflow.publishedAt >= before).toBe(true);
    expect(published.event).toEqual(workflow);
    expect(await revisionNumbers(storyId)).toEqual([1]);
    let page = await publicPage(slug);
    expect(page.status).toBe(200);
    expect(htmlText(page.text, (n) => n === 'h1')).toEqual(['Council approves new cycle lanes']);
    expect(page.text).toContain('£2m');
    expect(await listedPublicly(slug)).toEqual({ index: true, atom: true, json: true });
    const firstPublishedAt = workflow.publishedAt as string;

    // Edits do not reach readers until the next publication, which is revision 2; first publication date kept.
    await edit(client, { body: ['The first paragraph of the body.', 'Work starts in March, the council said.'] });
    expect((await publicPage(slug)).text).not.toContain('Work starts in March');
    const updated = await pushedWithin1s(
      watcher,
      () => api('POST', storyPath(storyId, '/publish'), editor),
      (w) => w.status === 'published' && w.updatedAt !== firstPublishedAt,
    );
    expect(updated.answer.status).toBe(200);
    expect(updated.answer.body.publication.slug).toBe(slug);
    expect(updated.answer.body.workflow.publishedAt).toBe(firstPublishedAt);
    expect(updated.answer.body.workflow.updatedAt > firstPublishedAt).toBe(true);
    expect(await revisionNumbers(storyId)).toEqual([2, 1]);
    page = await publicPage(slug);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Work starts in March');
    expect(page.text).not.toContain('£2m');
    expect(page.text).toContain(`<meta property="article:published_time" content="${firstPublishedAt}">`);

    // Unpublished: 410 for the page, gone from the index and both feeds.
    const unpublished = await pushedWithin1s(
      watcher,
      () => api('POST', storyPath(storyId, '/unpublish'), editor),
      (w) => w.status === 'unpublished',
    );
    expect(unpublished.answer.status).toBe(200);
    expect(unpublished.event).toMatchObject({ status: 'unpublished', live: false, changedBy: editor.name, slug });
    expect((await publicPage(slug)).status).toBe(410);
    expect(await listedPublicly(slug)).toEqual({ index: false, atom: false, json: false });
    expect(await revisionNumbers(storyId)).toEqual([2, 1]);

    // Republished: back at the same address, listed again, revision 3.
    const republished = await pushedWithin1s(
      watcher,
      () => api('POST', storyPath(storyId, '/publish'), admin),
      (w) => w.status === 'published',
    );
    expect(republished.answer.status).toBe(200);
    expect(republished.event).toMatchObject({
      status: 'published',
      live: true,
      slug,
      publishedAt: firstPublishedAt,
      publishedBy: admin.name,
    });
    expect((await publicPage(slug)).status).toBe(200);
    expect(await listedPublicly(slug)).toEqual({ index: true, atom: true, json: true });
    expect(await revisionNumbers(storyId)).toEqual([3, 2, 1]);

    // A published story may go for review again with its page still up.
    const again = await pushedWithin1s(
      watcher,
      () => api('POST', storyPath(storyId, '/submit'), writer),
      (w) => w.status === 'in_review',
    );
    expect(again.event).toMatchObject({ status: 'in_review', live: true });
    expect((await publicPage(slug)).status).toBe(200);

    // A late joiner is told the current state in the join answer.
    expect((await watch(writer, storyId)).joined).toEqual(again.event);
  });

  it('schedules and cancels a schedule, pushing each change', async () => {
    const { storyId } = await draft(writer, ready('Bridge reopens after repairs'));
    const watcher = await watch(editor, storyId);
    const at = new Date(Date.now() + 3_600_000).toISOString();
    const scheduled = await pushedWithin1s(
      watcher,
      () => api('POST', storyPath(storyId, '/schedule'), editor, { at }),
      (w) => w.status === 'scheduled',
    );
    expect(scheduled.answer.status).toBe(200);
    expect(scheduled.event).toMatchObject({ status: 'scheduled', scheduledFor: at, changedBy: editor.name, live: false });
    expect((await listed(storyId)).workflow.scheduledFor).toBe(at);
    // Scheduled is not a state to submit from.
    expectError(await api('POST', storyPath(storyId, '/submit'), writer), 409, 'conflict');
    // A writer may not cancel it.
    expectError(await api('DELETE', storyPath(storyId, '/schedule'), writer), 403, 'forbidden');
    const cancelled = await pushedWithin1s(
      watcher,
      () => api('DELETE', storyPath(storyId, '/schedule'), editor),
      (w) => w.status === 'draft',
    );
    expect(cancelled.answer.status).toBe(200);
    expect(cancelled.event).toMatchObject({ status: 'draft', scheduledFor: null });
    expect(await revisionNumbers(storyId)).toEqual([]);
  });

  it('refuses schedules in the past, too far ahead, without an offset, or for a story that fails its checks', async () => {
    const { storyId } = await draft(writer, ready('Schedule validation'));
    const at = (ms: number) => new Date(Date.now() + ms).toISOString();
    expectError(await api('POST', storyPath(storyId, '/schedule'), editor, { at: at(-60_000) }), 400, 'bad_request');
    expectError(await api('POST', storyPath(storyId, '/schedule'), editor, { at: at(367 * 86_400_000) }), 400, 'bad_request');
    expectError(await api('POST', storyPath(storyId, '/schedule'), editor, { at: '2099-01-01T09:00:00' }), 400, 'bad_request');
    expectError(await api('POST', storyPath(storyId, '/schedule'), editor, {}), 400, 'bad_request');
    const { storyId: unready } = await draft(writer, { headline: ['No standfirst yet'], byline: ['W'], body: ['Body.'] });
    const refused = await api('POST', storyPath(unready, '/schedule'), editor, { at: at(3_600_000) });
    expectError(refused, 422, 'invalid');
    expect(Object.keys(refused.body.error.fields)).toEqual(['standfirst']);
    expect(await statusOf(storyId)).toBe('draft');
    expect(await statusOf(unready)).toBe('draft');
  });
});

describe('state conflicts', () => {
  it('answers 409 for moves the story’s state does not allow, and changes nothing', async () => {
    const { storyId } = await draft(writer, ready('Conflicts galore'));
    const watcher = await watch(viewer, storyId);

    // Return a draft; unschedule when not scheduled; unpublish a draft.
    const seen = watcher.events.length;
    expectError(await api('POST', storyPath(storyId, '/return'), editor, { note: 'Why?' }), 409, 'conflict');
    expectError(await api('DELETE', storyPath(storyId, '/schedule'), editor), 409, 'conflict');
    expectError(await api('POST', storyPath(storyId, '/unpublish'), editor), 409, 'conflict');
    await expectNothingPushed(watcher, seen);
    expect((await listed(storyId)).workflow).toEqual(watcher.joined);

    // Submit twice.
    expect((await api('POST', storyPath(storyId, '/submit'), writer)).status).toBe(200);
    const inReview = (await listed(storyId)).workflow;
    expectError(await api('POST', storyPath(storyId, '/submit'), writer), 409, 'conflict');
    expectError(await api('POST', storyPath(storyId, '/submit'), otherWriter), 409, 'conflict');
    expect((await listed(storyId)).workflow).toEqual(inReview);

    // Unschedule and unpublish still refused in review; a published story cannot be unscheduled either.
    expectError(await api('DELETE', storyPath(storyId, '/schedule'), editor), 409, 'conflict');
    expectError(await api('POST', storyPath(storyId, '/unpublish'), editor), 409, 'conflict');
    expect((await api('POST', storyPath(storyId, '/publish'), editor)).status).toBe(200);
    expectError(await api('POST', storyPath(storyId, '/return'), editor, { note: 'Too late' }), 409, 'conflict');
    expectError(await api('DELETE', storyPath(storyId, '/schedule'), editor), 409, 'conflict');
    // Unpublish twice.
    expect((await api('POST', storyPath(storyId, '/unpublish'), editor)).status).toBe(200);
    expectError(await api('POST', storyPath(storyId, '/unpublish'), editor), 409, 'conflict');
    expect(await statusOf(storyId)).toBe('unpublished');
  });

  it('answers 404 for an unknown story and 400 for a malformed id or body', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const [method, rest, body] of [
      ['POST', '/submit', undefined],
      ['POST', '/return', { note: 'x' }],
      ['POST', '/publish', undefined],
      ['POST', '/schedule', { at: new Date(Date.now() + 3_600_000).toISOString() }],
      ['DELETE', '/schedule', undefined],
      ['POST', '/unpublish', undefined],
      ['PUT', '/slug', { slug: 'whatever' }],
      ['GET', '/checks', undefined],
      ['GET', '/revisions', undefined],
    ] as const) {
      expectError(await api(method, storyPath(unknown, rest), editor, body), 404, 'not_found');
      expectError(await api(method, `/api/stories/not-a-uuid${rest}`, editor, body), 400, 'bad_request');
    }
    const { storyId } = await draft(writer, ready('Bad bodies'));
    await api('POST', storyPath(storyId, '/submit'), writer);
    expectError(await api('POST', storyPath(storyId, '/return'), editor, {}), 400, 'bad_request');
    expectError(await api('POST', storyPath(storyId, '/return'), editor, { note: '   ' }), 400, 'bad_request');
    expectError(await api('POST', storyPath(storyId, '/submit'), writer, { extra: true }), 400, 'bad_request');
    expect(await statusOf(storyId)).toBe('in_review');
  });
});

describe('two people acting at once', () => {
  /** Runs both calls at the same moment; their statuses, sorted. */
  const together = async (...calls: Array<() => Promise<Answer>>) => (await Promise.all(calls.map((c) => c()))).map((a) => a.status).sort();

  it('exactly one of two simultaneous submits, send-backs, cancellations and unpublishes wins', async () => {
    for (let round = 0; round < 3; round++) {
      const { storyId } = await draft(writer, ready(`Race round ${round}`));
      const watcher = await watch(viewer, storyId);

      let seen = watcher.events.length;
      expect(
        await together(
          () => api('POST', storyPath(storyId, '/submit'), editor),
          () => api('POST', storyPath(storyId, '/submit'), otherEditor),
        ),
      ).toEqual([200, 409]);
      await eventually(() => expect(watcher.events.length).toBeGreaterThan(seen), 1_000);
      await expectNothingPushed(watcher, seen + 1);
      expect(await statusOf(storyId)).toBe('in_review');

      seen = watcher.events.length;
      expect(
        await together(
          () => api('POST', storyPath(storyId, '/return'), editor, { note: 'From Eddie' }),
          () => api('POST', storyPath(storyId, '/return'), otherEditor, { note: 'From Edna' }),
        ),
      ).toEqual([200, 409]);
      const afterReturn = (await listed(storyId)).workflow;
      expect(afterReturn.status).toBe('draft');
      // The winner's note, and the winner's name, together.
      expect([`${editor.name}|From Eddie`, `${otherEditor.name}|From Edna`]).toContain(`${afterReturn.changedBy}|${afterReturn.note}`);

      // Scheduling a scheduled story again is a new time, not a conflict: both may succeed, and the
      // story ends scheduled for the time of one that did (never a mix, never unscheduled).
      const at1 = new Date(Date.now() + 3_600_000).toISOString();
      const at2 = new Date(Date.now() + 7_200_000).toISOString();
      const schedules = await Promise.all([
        api('POST', storyPath(storyId, '/schedule'), editor, { at: at1 }),
        api('POST', storyPath(storyId, '/schedule'), otherEditor, { at: at2 }),
      ]);
      expect(schedules.map((a) => a.status)).toContain(200);
      const winners = schedules.filter((a) => a.status === 200).map((a) => a.body.workflow.scheduledFor);
      expect(schedules.every((a) => a.status === 200 || a.status === 409)).toBe(true);
      const scheduled = (await listed(storyId)).workflow;
      expect(scheduled.status).toBe('scheduled');
      expect(winners).toContain(scheduled.scheduledFor);
      expect(scheduled.changedBy).toBe(scheduled.scheduledFor === at1 ? editor.name : otherEditor.name);
      expect(
        await together(
          () => api('DELETE', storyPath(storyId, '/schedule'), editor),
          () => api('DELETE', storyPath(storyId, '/schedule'), otherEditor),
        ),
      ).toEqual([200, 409]);
      expect(await statusOf(storyId)).toBe('draft');

      expect((await api('POST', storyPath(storyId, '/publish'), editor)).status).toBe(200);
      expect(
        await together(
          () => api('POST', storyPath(storyId, '/unpublish'), editor),
          () => api('POST', storyPath(storyId, '/unpublish'), otherEditor),
        ),
      ).toEqual([200, 409]);
      expect((await listed(storyId)).workflow).toMatchObject({ status: 'unpublished', live: false });
    }
  });

  it('two simultaneous publications both go out, as two distinct revisions of one page at one address', async () => {
    const { storyId } = await draft(writer, ready('Two editors press publish'));
    const [a, b] = await Promise.all([
      api('POST', storyPath(storyId, '/publish'), editor),
      api('POST', storyPath(storyId, '/publish'), otherEditor),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.body.publication.slug).toBe(b.body.publication.slug);
    expect(await revisionNumbers(storyId)).toEqual([2, 1]);
    const slug = a.body.publication.slug as string;
    expect(slug).toBe('two-editors-press-publish');
    // One page, listed once, with one first-publication date.
    const index = await call(server, 'GET', '/stories');
    expect(index.text.split(`href="/stories/${slug}"`).length - 1).toBe(1);
    const workflow = (await listed(storyId)).workflow;
    expect(workflow.publishedAt).toBe([a.body.publication.publishedAt, b.body.publication.publishedAt].sort()[0]);
  });

  it('two stories with the same headline published at once get different addresses', async () => {
    const one = await draft(writer, ready('Same headline twice'));
    const two = await draft(otherWriter, ready('Same headline twice'));
    const [a, b] = await Promise.all([
      api('POST', storyPath(one.storyId, '/publish'), editor),
      api('POST', storyPath(two.storyId, '/publish'), otherEditor),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect([a.body.publication.slug, b.body.publication.slug].sort()).toEqual(['same-headline-twice', 'same-headline-twice-2']);
  });
});

describe('pre-publish checks', () => {
  const MESSAGES: Record<string, RegExp> = { headline: /headline/i, standfirst: /standfirst/i, byline: /byline/i, body: /body/i };

  it('gives each missing field its own message, in GET …/checks and in the 422, and publishes nothing', async () => {
    const empty = await draft(writer, {});
    const checks = await api('GET', storyPath(empty.storyId, '/checks'), viewer);
    expect(checks.status).toBe(200);
    expect(Object.keys(checks.body.problems).sort()).toEqual(['body', 'byline', 'headline', 'standfirst']);
    const refused = await api('POST', storyPath(empty.storyId, '/publish'), editor);
    expectError(refused, 422, 'invalid');
    expect(refused.body.error.fields).toEqual(checks.body.problems);
    const messages = Object.values(refused.body.error.fields as Record<string, string>);
    expect(new Set(messages).size, 'one distinct message per field').toBe(4);
    for (const [field, pattern] of Object.entries(MESSAGES)) expect(refused.body.error.fields[field]).toMatch(pattern);
    expect(await revisionNumbers(empty.storyId)).toEqual([]);
    expect(await statusOf(empty.storyId)).toBe('draft');

    for (const field of ['headline', 'standfirst', 'byline', 'body'] as const) {
      const fields: Fields = { ...ready(`Missing only the ${field}`) };
      // Blank paragraphs count as missing.
      fields[field] = field === 'body' ? ['   ', ''] : [];
      const { storyId } = await draft(writer, fields);
      const answer = await api('POST', storyPath(storyId, '/publish'), editor);
      expectError(answer, 422, 'invalid');
      expect(Object.keys(answer.body.error.fields), field).toEqual([field]);
      expect(answer.body.error.fields[field]).toMatch(MESSAGES[field]);
      expect(await revisionNumbers(storyId)).toEqual([]);
      expect((await listed(storyId)).workflow).toMatchObject({ status: 'draft', live: false, publishedAt: null });
    }
  });

  it('refuses a 121-character headline and accepts 120', async () => {
    const long = `${'Headline '.repeat(14)}abcde`;
    expect(long.length).toBe(131);
    const { storyId, client } = await draft(writer, ready(long.slice(0, 121)));
    const checks = await api('GET', storyPath(storyId, '/checks'), viewer);
    expect(Object.keys(checks.body.problems)).toEqual(['headline']);
    expect(checks.body.problems.headline).toMatch(/121/);
    const refused = await api('POST', storyPath(storyId, '/publish'), editor);
    expectError(refused, 422, 'invalid');
    expect(refused.body.error.fields).toEqual({ headline: checks.body.problems.headline });
    expect(await revisionNumbers(storyId)).toEqual([]);

    const exactly120 = `${'x'.repeat(110)} 120 chars`;
    expect(exactly120.length).toBe(120);
    await edit(client, { headline: [exactly120] });
    expect((await api('GET', storyPath(storyId, '/checks'), viewer)).body.problems).toEqual({});
    const published = await api('POST', storyPath(storyId, '/publish'), editor);
    expect(published.status).toBe(200);
    expect(published.body.publication.slug.length).toBeLessThanOrEqual(80);
    expect(htmlText((await publicPage(published.body.publication.slug)).text, (n) => n === 'h1')).toEqual([exactly120]);
  });

  it('refuses a headline with nothing to make an address from until an address is chosen', async () => {
    const { storyId } = await draft(writer, ready('!!! ??? …'));
    const refused = await api('POST', storyPath(storyId, '/publish'), editor);
    expectError(refused, 422, 'invalid');
    expect(Object.keys(refused.body.error.fields)).toEqual(['slug']);
    expect((await api('PUT', storyPath(storyId, '/slug'), writer, { slug: 'punctuation-only' })).status).toBe(200);
    const published = await api('POST', storyPath(storyId, '/publish'), editor);
    expect(published.status).toBe(200);
    expect(published.body.publication.slug).toBe('punctuation-only');
  });
});

describe('web addresses', () => {
  it('follows the headline until published, then keeps its address', async () => {
    const { storyId, client } = await draft(writer, ready('Mayor’s Budget: 5 Things to Know'));
    expect(await slugFor(storyId)).toBe('mayor-s-budget-5-things-to-know');
    await edit(client, { headline: ['Mayor’s budget: six things to know'] });
    expect(await slugFor(storyId)).toBe('mayor-s-budget-six-things-to-know');
    const published = await api('POST', storyPath(storyId, '/publish'), editor);
    expect(published.body.publication.slug).toBe('mayor-s-budget-six-things-to-know');
    expect(published.body.workflow.slug).toBe('mayor-s-budget-six-things-to-know');

    // A new headline after publication changes the page, not its address.
    await edit(client, { headline: ['Budget passes after late-night vote'] });
    expect(await slugFor(storyId)).toBe('mayor-s-budget-six-things-to-know');
    const republished = await api('POST', storyPath(storyId, '/publish'), editor);
    expect(republished.body.publication.slug).toBe('mayor-s-budget-six-things-to-know');
    const page = await publicPage('mayor-s-budget-six-things-to-know');
    expect(page.status).toBe(200);
    expect(htmlText(page.text, (n) => n === 'h1')).toEqual(['Budget passes after late-night vote']);
    expect((await publicPage('budget-passes-after-late-night-vote')).status).toBe(404);
  });

  it('lets writers and editors choose it before publication, only editors after, with a redirect from the old one', async () => {
    const { storyId } = await draft(writer, ready('An address of our choosing'));
    const watcher = await watch(viewer, storyId);

    // Before publication: the writer chooses, and may go back to following the headline.
    let answer = await api('PUT', storyPath(storyId, '/slug'), writer, { slug: 'temporary-choice' });
    expect(answer.status).toBe(200);
    expect(answer.body.workflow.slug).toBe('temporary-choice');
    expect(await slugFor(storyId)).toBe('temporary-choice');
    answer = await api('PUT', storyPath(storyId, '/slug'), writer, { slug: null });
    expect(answer.status).toBe(200);
    expect(await slugFor(storyId)).toBe('an-address-of-our-choosing');
    expectError(await api('PUT', storyPath(storyId, '/slug'), viewer, { slug: 'viewer-choice' }), 403, 'forbidden');
    const chosen = await pushedWithin1s(
      watcher,
      () => api('PUT', storyPath(storyId, '/slug'), writer, { slug: 'chosen-address' }),
      (w) => w.slug === 'chosen-address',
    );
    expect(chosen.answer.status).toBe(200);

    const published = await api('POST', storyPath(storyId, '/publish'), editor);
    expect(published.body.publication).toMatchObject({ slug: 'chosen-address', url: `${server.url}/stories/chosen-address` });
    expect((await publicPage('chosen-address')).status).toBe(200);

    // After publication: writers may not change it; a published story keeps an address.
    expectError(await api('PUT', storyPath(storyId, '/slug'), writer, { slug: 'writer-after-publication' }), 403, 'forbidden');
    expectError(await api('PUT', storyPath(storyId, '/slug'), editor, { slug: null }), 422, 'invalid');
    expect((await listed(storyId)).workflow.slug).toBe('chosen-address');

    // The editor moves it: the new address serves the page, the old one redirects for good.
    const moved = await pushedWithin1s(
      watcher,
      () => api('PUT', storyPath(storyId, '/slug'), editor, { slug: 'moved-address' }),
      (w) => w.slug === 'moved-address',
    );
    expect(moved.answer.status).toBe(200);
    expect(moved.event).toMatchObject({ status: 'published', live: true, slug: 'moved-address' });
    expect((await publicPage('moved-address')).status).toBe(200);
    const old = await publicPage('chosen-address');
    expect(old.status).toBe(301);
    expect(old.headers.get('location')).toBe('/stories/moved-address');
    expect(await listedPublicly('moved-address')).toEqual({ index: true, atom: true, json: true });
    expect(await listedPublicly('chosen-address')).toEqual({ index: false, atom: false, json: false });
    // Republishing keeps the moved address.
    expect((await api('POST', storyPath(storyId, '/publish'), editor)).body.publication.slug).toBe('moved-address');

    // Moved twice: the first address follows to the latest.
    expect((await api('PUT', storyPath(storyId, '/slug'), admin, { slug: 'final-address' })).status).toBe(200);
    expect((await publicPage('chosen-address')).headers.get('location')).toBe('/stories/final-address');
    expect((await publicPage('moved-address')).headers.get('location')).toBe('/stories/final-address');
    expect((await publicPage('final-address')).status).toBe(200);

    // Taken addresses: another story's current one, and one that redirects to another story.
    const other = await draft(otherWriter, ready('Another story wants it'));
    for (const slug of ['final-address', 'chosen-address']) {
      const taken = await api('PUT', storyPath(other.storyId, '/slug'), otherWriter, { slug });
      expectError(taken, 409, 'conflict');
      expect(taken.body.error.fields.slug).toEqual(expect.any(String));
    }
    expect((await listed(other.storyId)).workflow.slug).toBeNull();

    // Malformed addresses: 422 naming the slug; nothing changes.
    for (const slug of ['Not A Slug', 'trailing-', '-leading', 'double--hyphen', 'ünïcode', 'a/b', 'x'.repeat(81), '']) {
      const bad = await api('PUT', storyPath(other.storyId, '/slug'), otherWriter, { slug });
      expectError(bad, 422, 'invalid');
      expect(bad.body.error.fields.slug, slug).toEqual(expect.any(String));
    }
    expectError(await api('PUT', storyPath(other.storyId, '/slug'), otherWriter, { slug: 42 }), 400, 'bad_request');
    expectError(await api('PUT', storyPath(other.storyId, '/slug'), otherWriter, {}), 400, 'bad_request');
    expect((await listed(other.storyId)).workflow.slug).toBeNull();
  });

  it('gives a generated address that another story has chosen a numbered variant', async () => {
    const first = await draft(writer, ready('Reserved words'));
    expect((await api('PUT', storyPath(first.storyId, '/slug'), writer, { slug: 'harbour-news' })).status).toBe(200);
    const second = await draft(writer, ready('Harbour news'));
    expect(await slugFor(second.storyId)).toBe('harbour-news-2');
    expect((await api('POST', storyPath(second.storyId, '/publish'), editor)).body.publication.slug).toBe('harbour-news-2');
    // The first still gets the address it chose.
    expect((await api('POST', storyPath(first.storyId, '/publish'), editor)).body.publication.slug).toBe('harbour-news');
  });
});

describe('revisions', () => {
  it('lists them newest first, returns each as published, diffs the draft against one, and 404s unknown ones', async () => {
    const { storyId, client } = await draft(writer, {
      ...ready('Fox sighted in town centre'),
      body: ['The quick brown fox jumps over the wall.'],
    });
    expect((await api('POST', storyPath(storyId, '/publish'), editor)).status).toBe(200);
    await edit(client, { body: ['The quick red fox leaps over the wall.'] });
    expect((await api('POST', storyPath(storyId, '/publish'), otherEditor)).status).toBe(200);
    await edit(client, {
      body: ['The quick red fox leaps over the wall.', 'A wholly new closing paragraph.'],
      standfirst: ['A new standfirst.'],
    });

    const list = await api('GET', storyPath(storyId, '/revisions'), viewer);
    expect(list.status).toBe(200);
    expect(list.body.revisions).toEqual([
      expect.objectContaining({
        number: 2,
        slug: 'fox-sighted-in-town-centre',
        headline: 'Fox sighted in town centre',
        publishedBy: otherEditor.name,
      }),
      expect.objectContaining({
        number: 1,
        slug: 'fox-sighted-in-town-centre',
        headline: 'Fox sighted in town centre',
        publishedBy: editor.name,
      }),
    ]);
    expect(list.body.revisions[0].publishedAt > list.body.revisions[1].publishedAt).toBe(true);

    const detail = await api('GET', storyPath(storyId, '/revisions/1'), viewer);
    expect(detail.status).toBe(200);
    const revision = detail.body.revision;
    expect(revision).toMatchObject({
      number: 1,
      headline: 'Fox sighted in town centre',
      standfirst: 'A standfirst that sums the story up.',
      byline: 'Wren Writer',
    });
    expect(revision.bodyHtml).toBe('<p>The quick brown fox jumps over the wall.</p>');
    expect(revision.content.body).toEqual({
      type: 'doc',
      content: [{ type: 'paragraph', content: [{ type: 'text', text: 'The quick brown fox jumps over the wall.' }] }],
    });
    expect(revision.content.headline.content[0].content[0].text).toBe('Fox sighted in town centre');
    // docState is the whole Yjs document at publication.
    const doc = new Y.Doc();
    Y.applyUpdate(doc, Buffer.from(revision.docState, 'base64'));
    expect(fragmentText(doc.getXmlFragment('body'))).toBe('The quick brown fox jumps over the wall.');
    expect(fragmentText(doc.getXmlFragment('headline'))).toBe('Fox sighted in town centre');
    expect((await api('GET', storyPath(storyId, '/revisions/2'), viewer)).body.revision.bodyHtml).toBe(
      '<p>The quick red fox leaps over the wall.</p>',
    );

    // The diff of revision 1 against the draft: words removed and added, per field.
    const diff = await api('GET', storyPath(storyId, '/revisions/1/diff'), viewer);
    expect(diff.status).toBe(200);
    expect(diff.body.from).toBe(1);
    const fields = Object.fromEntries(
      (diff.body.fields as Array<{ field: string; changed: boolean; html: string }>).map((f) => [f.field, f]),
    );
    expect(Object.keys(fields)).toEqual(['headline', 'standfirst', 'byline', 'body']);
    expect([fields.headline.changed, fields.standfirst.changed, fields.byline.changed, fields.body.changed]).toEqual([
      false,
      true,
      false,
      true,
    ]);
    const removed = htmlText(fields.body.html, (n) => n === 'del').join(' ');
    const added = htmlText(fields.body.html, (n) => n === 'ins').join(' ');
    expect(removed).toMatch(/brown/);
    expect(removed).toMatch(/jumps/);
    expect(added).toMatch(/red/);
    expect(added).toMatch(/leaps/);
    expect(added).toMatch(/A wholly new closing paragraph\./);
    expect(removed).not.toMatch(/quick|wall/);
    expect(htmlText(fields.standfirst.html, (n) => n === 'ins').join(' ')).toMatch(/new/);
    expect(htmlText(fields.headline.html, (n) => n === 'ins' || n === 'del')).toEqual([]);
    // Against revision 2, only the additions since.
    const diff2 = await api('GET', storyPath(storyId, '/revisions/2/diff'), viewer);
    const body2 = (diff2.body.fields as Array<{ field: string; html: string }>).find((f) => f.field === 'body')!;
    expect(htmlText(body2.html, (n) => n === 'del')).toEqual([]);
    expect(htmlText(body2.html, (n) => n === 'ins').join(' ')).toBe('A wholly new closing paragraph.');
    expect([diff.body.to, diff2.body.to]).toEqual([null, null]);
    // Two revisions against each other: what changed from the first publication to the second, not the draft since.
    const between = await api('GET', storyPath(storyId, '/revisions/1/diff/2'), viewer);
    expect(between.status).toBe(200);
    expect(between.body).toMatchObject({ from: 1, to: 2 });
    const betweenBody = (between.body.fields as Array<{ field: string; html: string }>).find((f) => f.field === 'body')!;
    expect(htmlText(betweenBody.html, (n) => n === 'del').join(' ')).toMatch(/brown.*jumps|jumps.*brown/);
    expect(htmlText(betweenBody.html, (n) => n === 'ins').join(' ')).toMatch(/red.*leaps|leaps.*red/);
    expect(htmlText(betweenBody.html, (n) => n === 'ins').join(' ')).not.toMatch(/closing paragraph/);
    expectError(await api('GET', storyPath(storyId, '/revisions/1/diff/99'), viewer), 404, 'not_found');
    expectError(await api('GET', storyPath(storyId, '/revisions/1/diff/two'), viewer), 400, 'bad_request');

    // Unknown and malformed revision numbers.
    expectError(await api('GET', storyPath(storyId, '/revisions/3'), viewer), 404, 'not_found');
    expectError(await api('GET', storyPath(storyId, '/revisions/99/diff'), viewer), 404, 'not_found');
    expectError(await api('GET', storyPath(storyId, '/revisions/0'), viewer), 400, 'bad_request');
    expectError(await api('GET', storyPath(storyId, '/revisions/two'), viewer), 400, 'bad_request');
    expectError(await api('GET', storyPath(storyId, '/revisions/1'), undefined), 401, 'unauthenticated');

    // A story never published has an empty history.
    const { storyId: fresh } = await draft(writer, ready('Never published'));
    expect(await revisionNumbers(fresh)).toEqual([]);
    expectError(await api('GET', storyPath(fresh, '/revisions/1'), viewer), 404, 'not_found');
  });
});

describe('previews', () => {
  it('shows signed-in people the draft as it would publish, never cached or indexed, and past revisions as they went out', async () => {
    const { storyId, client } = await draft(writer, { ...ready('Preview me'), body: ['Words as first published.'] });
    const published = await api('POST', storyPath(storyId, '/publish'), editor);
    expect(published.status).toBe(200);
    await edit(client, { body: ['Draft words not yet out.'], headline: ['Preview me again'] });

    const anonymous = await call(server, 'GET', `/preview/${storyId}`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toMatch(/^text\/html/);
    expect(anonymous.text).not.toContain('Draft words');
    expect(anonymous.headers.get('cache-control')).toMatch(/no-store/);

    for (const user of [viewer, writer, editor]) {
      const preview = await call(server, 'GET', `/preview/${storyId}`, { user });
      expect(preview.status, user.role).toBe(200);
      expect(preview.headers.get('content-type')).toMatch(/^text\/html/);
      expect(preview.headers.get('cache-control')).toMatch(/\bprivate\b/);
      expect(preview.headers.get('cache-control')).toMatch(/\bno-store\b/);
      expect(preview.headers.get('x-robots-tag')).toMatch(/\bnoindex\b/);
      expect(preview.text).toMatch(/<meta name="robots" content="noindex/);
      expect(preview.text).toContain('Draft words not yet out.');
      expect(preview.text).not.toContain('Words as first published.');
      expect(htmlText(preview.text, (n) => n === 'h1')).toEqual(['Preview me again']);
      expect(htmlText(preview.text, (n) => n === 'strong').join(' ')).toContain('Preview');
      // Same shape as the public page: the article and its header.
      expect(preview.text).toContain('<article class="story">');
      expect(preview.text).toContain('<p class="standfirst">A standfirst that sums the story up.</p>');
    }

    // The public page still shows the published text.
    const page = await publicPage(published.body.publication.slug);
    expect(page.text).toContain('Words as first published.');
    expect(page.text).not.toContain('Draft words');

    // A past revision, as it went out.
    const past = await call(server, 'GET', `/preview/${storyId}/revisions/1`, { user: viewer });
    expect(past.status).toBe(200);
    expect(past.headers.get('cache-control')).toMatch(/no-store/);
    expect(past.headers.get('x-robots-tag')).toMatch(/noindex/);
    expect(past.text).toContain('Words as first published.');
    expect(past.text).not.toContain('Draft words');
    expect(htmlText(past.text, (n) => n === 'h1')).toEqual(['Preview me']);
    expect(past.text).toContain('Revision 1');
    expect((await call(server, 'GET', `/preview/${storyId}/revisions/1`)).status).toBe(401);
    expect((await call(server, 'GET', `/preview/${storyId}/revisions/7`, { user: viewer })).status).toBe(404);
    expect((await call(server, 'GET', `/preview/00000000-0000-4000-8000-000000000000`, { user: viewer })).status).toBe(404);

    // A draft never published previews too.
    const { storyId: unpublished } = await draft(writer, ready('Never out'));
    const fresh = await call(server, 'GET', `/preview/${unpublished}`, { user: viewer });
    expect(fresh.status).toBe(200);
    expect(htmlText(fresh.text, (n) => n === 'h1')).toEqual(['Never out']);
  });
});
