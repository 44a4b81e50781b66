import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { connectClient, createStory, eventually, setParagraphs, type TestClient } from '../helpers/clients';
import { call } from '../helpers/http';
import { createUser, startTestServer, type TestServer } from '../helpers/testServer';

let server: TestServer;
let clients: TestClient[] = [];

afterEach(async () => {
  clients.forEach((c) => c.close());
  clients = [];
  await server.close();
});

/**
 * The pause that takes an automatic version. Steps the first test means to happen within one pause (Ben's
 * edit after Ana's; a named version right after an edit) must fit in it on a busy machine too.
 */
const IDLE_MS = 1_000;
const start = async () => (server = await startTestServer({ env: { AUTO_VERSION_IDLE_MS: String(IDLE_MS) } }));
const firstText = (doc: Y.Doc, field: string) => (doc.getXmlFragment(field).get(0) as Y.XmlElement).get(0) as Y.XmlText;
type Listed = { number: number; kind: string; name: string | null; publishedBy: string; authors: { name: string }[] };

describe('versions', () => {
  it('takes an automatic version once edits pause, naming who changed the story, and none while nothing changes', async () => {
    await start();
    const ana = await createUser(server, 'writer', 'Ana Writer');
    const ben = await createUser(server, 'editor', 'Ben Editor');
    const storyId = await createStory(server, ana);
    const anaClient = await connectClient(server, ana, storyId);
    const benClient = await connectClient(server, ben, storyId);
    clients.push(anaClient, benClient);
    // Everyone in the story hears of each version saved (an open History panel refreshes).
    const announced: string[] = [];
    benClient.provider.socket.on('story:versions', (id) => announced.push(id));
    setParagraphs(anaClient.doc, 'body', ['Ana wrote this.']);
    await anaClient.provider.whenSaved();
    await eventually(() => expect(benClient.doc.getXmlFragment('body').length).toBe(1));
    firstText(benClient.doc, 'body').delete(0, 4); // Ben only deletes
    await benClient.provider.whenSaved();

    const listed = await eventually(async () => {
      const { body } = await call(server, 'GET', `/api/stories/${storyId}/revisions`, { user: ana });
      expect(body.revisions).toHaveLength(1);
      return body.revisions as Listed[];
    });
    expect(listed[0]).toMatchObject({ number: 1, kind: 'auto', name: null, publishedBy: '' });
    expect(listed[0].authors.map((a) => a.name).sort()).toEqual(['Ana Writer', 'Ben Editor']);
    await eventually(() => expect(announced).toEqual([storyId]));

    // A named version of exactly this state, then a pause: the automatic one is skipped as unchanged,
    // comments made meanwhile included (they are not the story's text).
    setParagraphs(anaClient.doc, 'headline', ['A headline']);
    await anaClient.provider.whenSaved();
    expect((await call(server, 'POST', `/api/stories/${storyId}/versions`, { user: ana, body: { name: 'Before legal' } })).status).toBe(
      201,
    );
    await eventually(() => expect(benClient.doc.getXmlFragment('headline').toString()).toContain('A headline'));
    const words = firstText(benClient.doc, 'headline');
    const at = (index: number, assoc: number) => Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(words, index, assoc));
    const commented = await benClient.provider.socket.emitWithAck('story:comment', storyId, {
      type: 'start',
      threadId: crypto.randomUUID(),
      messageId: crypto.randomUUID(),
      field: 'headline',
      start: at(0, 0),
      end: at(1, -1),
      quote: 'A',
      body: 'Sharper?',
      mentions: [],
    });
    expect(commented.ok).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS * 2));
    const after = (await call(server, 'GET', `/api/stories/${storyId}/revisions`, { user: ana })).body.revisions as Listed[];
    expect(after.map((r) => [r.number, r.kind])).toEqual([
      [2, 'named'],
      [1, 'auto'],
    ]);
    expect(after[0].authors.map((a) => a.name)).toEqual(['Ana Writer']);
    expect(announced).toEqual([storyId, storyId]); // the named one; the skipped one is not news
  });

  it('saves a named version on request, lists, shows and compares it with another version', async () => {
    server = await startTestServer();
    const ana = await createUser(server, 'writer', 'Ana Writer');
    const viewer = await createUser(server, 'viewer', 'Vic Viewer');
    const storyId = await createStory(server, ana);
    const client = await connectClient(server, ana, storyId);
    clients.push(client);
    setParagraphs(client.doc, 'body', ['The council met on Monday.']);
    await client.provider.whenSaved();
    const first = await call(server, 'POST', `/api/stories/${storyId}/versions`, { user: ana, body: { name: '  First draft  ' } });
    expect(first.status).toBe(201);
    expect(first.body.revision).toMatchObject({ number: 1, kind: 'named', name: 'First draft', publishedBy: 'Ana Writer' });

    setParagraphs(client.doc, 'body', ['The council met on Tuesday.']);
    await client.provider.whenSaved();
    expect(
      (await call(server, 'POST', `/api/stories/${storyId}/versions`, { user: ana, body: { name: 'Second' } })).body.revision.number,
    ).toBe(2);

    const listed = await call(server, 'GET', `/api/stories/${storyId}/revisions`, { user: viewer });
    expect(listed.body.revisions.map((r: Listed) => [r.number, r.name])).toEqual([
      [2, 'Second'],
      [1, 'First draft'],
    ]);
    const shown = await call(server, 'GET', `/api/stories/${storyId}/revisions/1`, { user: viewer });
    expect(shown.body.revision.content.body.content[0].content[0].text).toBe('The council met on Monday.');
    const diff = await call(server, 'GET', `/api/stories/${storyId}/revisions/1/diff/2`, { user: viewer });
    const body = diff.body.fields.find((f: { field: string }) => f.field === 'body');
    expect(body.html).toBe('<p class="diff-changed">The council met on <del>Monday</del><ins>Tuesday</ins>.</p>');
    // The preview shows a version as it was.
    expect((await call(server, 'GET', `/preview/${storyId}/revisions/1`, { user: viewer })).text).toContain('The council met on Monday.');
  });

  it('refuses bad names and roles that may not edit, and stores nothing', async () => {
    server = await startTestServer();
    const ana = await createUser(server, 'writer');
    const viewer = await createUser(server, 'viewer');
    const storyId = await createStory(server, ana);
    const path = `/api/stories/${storyId}/versions`;
    for (const body of [{}, { name: '   ' }, { name: 'x'.repeat(2001) }, { name: 7 }, { name: 'ok', extra: 1 }]) {
      expect((await call(server, 'POST', path, { user: ana, body })).status).toBe(400);
    }
    expect((await call(server, 'POST', path, { user: viewer, body: { name: 'Mine' } })).status).toBe(403);
    expect((await call(server, 'POST', path, { body: { name: 'Mine' } })).status).toBe(401);
    expect(
      (await call(server, 'POST', '/api/stories/00000000-0000-4000-8000-000000000009/versions', { user: ana, body: { name: 'x' } })).status,
    ).toBe(404);
    expect((await call(server, 'GET', `/api/stories/${storyId}/revisions`, { user: ana })).body.revisions).toEqual([]);
  });
});
