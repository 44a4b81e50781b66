import { afterEach, describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { connectClient, createStory, eventually, setParagraphs, storedDoc, type TestClient } from '../helpers/clients';
import { call } from '../helpers/http';
import { writtenBy } from '../helpers/provenance';
import { createUser, startTestServer, type TestServer, type TestUser } from '../helpers/testServer';

let server: TestServer;
let clients: TestClient[] = [];

afterEach(async () => {
  clients.forEach((c) => c.close());
  clients = [];
  await server.close();
});

const bodyText = (doc: Y.Doc) =>
  doc
    .getXmlFragment('body')
    .toArray()
    .map((p) => ((p as Y.XmlElement).get(0) as Y.XmlText | undefined)?.toString() ?? '');
const paragraph = (doc: Y.Doc, index: number) => (doc.getXmlFragment('body').get(index) as Y.XmlElement).get(0) as Y.XmlText;

/** Ana and Ben co-write a story with a named version; Cleo (an editor) watches live. */
async function coWritten() {
  const ana = await createUser(server, 'writer', 'Ana Writer');
  const ben = await createUser(server, 'writer', 'Ben Writer');
  const cleo = await createUser(server, 'editor', 'Cleo Editor');
  const storyId = await createStory(server, ana);
  const [a, b, c] = await Promise.all([ana, ben, cleo].map((user) => connectClient(server, user, storyId)));
  clients.push(a, b, c);
  setParagraphs(a.doc, 'body', ['The quick brown fox jumps.', 'Second paragraph stays.', 'Third paragraph.']);
  await a.provider.whenSaved();
  await eventually(() => expect(bodyText(b.doc)).toHaveLength(3));
  const version = await call(server, 'POST', `/api/stories/${storyId}/versions`, { user: cleo, body: { name: 'Agreed text' } });
  expect(version.status).toBe(201);
  return { ana, ben, cleo, storyId, a, b, c, number: version.body.revision.number as number };
}

const revert = (storyId: string, number: number, user: TestUser, body: unknown) =>
  call(server, 'POST', `/api/stories/${storyId}/revisions/${number}/revert`, { user, body });

describe('selective revert', () => {
  it("takes back one author's insertions and deletions since a version, keeps the other's, live and durably", async () => {
    server = await startTestServer();
    const { ana, ben, cleo, storyId, a, b, c, number } = await coWritten();
    // In the same paragraph: Ana deletes "quick " and appends " high"; Ben deletes "brown " and starts it with "Look: ".
    paragraph(a.doc, 0).delete(4, 6);
    paragraph(a.doc, 0).insert(paragraph(a.doc, 0).length, ' high');
    // Ana also deletes the third paragraph outright; Ben adds a paragraph of his own.
    a.doc.getXmlFragment('body').delete(2, 1);
    await a.provider.whenSaved();
    await eventually(() => expect(bodyText(b.doc)).toEqual(['The brown fox jumps. high', 'Second paragraph stays.']));
    paragraph(b.doc, 0).delete(4, 6);
    paragraph(b.doc, 0).insert(0, 'Look: ');
    setParagraphs(b.doc, 'standfirst', ['Ben wrote the standfirst.']);
    await b.provider.whenSaved();
    await eventually(() => expect(bodyText(c.doc)).toEqual(['Look: The fox jumps. high', 'Second paragraph stays.']));

    const changedBy = await call(server, 'GET', `/api/stories/${storyId}/revisions/${number}/changed-by`, { user: cleo });
    expect(changedBy.body.authors.map((p: { name: string }) => p.name).sort()).toEqual(['Ana Writer', 'Ben Writer']);

    const answer = await revert(storyId, number, cleo, { userId: ana.id });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ reverted: true });
    const expected = ['Look: The quick fox jumps.', 'Second paragraph stays.', 'Third paragraph.'];
    // Everyone in the story sees it at once, as any edit.
    for (const client of [a, b, c]) await eventually(() => expect(bodyText(client.doc)).toEqual(expected));
    expect(c.doc.getXmlFragment('standfirst').toString()).toContain('Ben wrote the standfirst.');

    // Reverting again restores nothing twice.
    expect((await revert(storyId, number, cleo, { userId: ana.id })).body).toEqual({ reverted: false });

    // Durable: the same after a restart.
    clients.forEach((client) => client.close());
    clients = [];
    const { dataDir } = server;
    await server.stop();
    server = await startTestServer({ dataDir });
    expect(bodyText(await storedDoc(server.store, storyId))).toEqual(expected);
    expect(bodyText((await connectClient(server, ben, storyId).then((client) => (clients.push(client), client))).doc)).toEqual(expected);
  });

  it('writes restored text as whoever reverted, keeps it its first author’s, and the revert can itself be reverted', async () => {
    server = await startTestServer();
    const { ana, ben, cleo, storyId, a, b, c, number } = await coWritten();
    // Ben deletes Ana's "The "; Cleo reverts Ben.
    paragraph(b.doc, 0).delete(0, 4);
    await b.provider.whenSaved();
    expect((await revert(storyId, number, cleo, { userId: ben.id })).body).toEqual({ reverted: true });
    await eventually(() => expect(bodyText(c.doc)[0]).toBe('The quick brown fox jumps.'));
    // Written again under a client id bound to Cleo (so the revert is her change)…
    const authors = (await call(server, 'GET', `/api/stories/${storyId}/authors`, { user: cleo })).body.authors as { userId: string }[];
    expect(authors.some((author) => author.userId === cleo.id)).toBe(true);
    // … and "Who wrote this?" still says Ana wrote it.
    await eventually(async () => {
      const owners = await server.store.loadClientOwners(storyId);
      expect(writtenBy(c.doc, 'body', owners)[0]).toEqual(['The quick brown fox jumps.Second paragraph stays.Third paragraph.', ana.id]);
    });
    paragraph(a.doc, 0).delete(0, 4);
    await a.provider.whenSaved();
    expect((await revert(storyId, number, cleo, { userId: ana.id })).body).toEqual({ reverted: true });
    await eventually(() => expect(bodyText(c.doc)[0]).toBe('The quick brown fox jumps.'));
    // Undo Cleo's revert: Ana's deletion is back.
    expect((await revert(storyId, number, cleo, { userId: cleo.id })).body).toEqual({ reverted: true });
    await eventually(() => expect(bodyText(c.doc)[0]).toBe('quick brown fox jumps.'));
  });

  it('refuses roles that may not edit, bad input and unknown versions, changing nothing', async () => {
    server = await startTestServer();
    const { ana, cleo, storyId, number, c } = await coWritten();
    const viewer = await createUser(server, 'viewer');
    paragraph(c.doc, 0).delete(0, 4);
    await c.provider.whenSaved();
    const before = bodyText(c.doc);
    const cleoId = cleo.id;
    expect((await revert(storyId, number, viewer, { userId: cleoId })).status).toBe(403);
    expect((await call(server, 'POST', `/api/stories/${storyId}/revisions/${number}/revert`, { body: { userId: cleoId } })).status).toBe(
      401,
    );
    for (const body of [{}, { userId: 'cleo' }, { userId: cleoId, extra: true }, { userId: 5 }]) {
      expect((await revert(storyId, number, ana, body)).status).toBe(400);
    }
    expect((await revert(storyId, 99, ana, { userId: cleoId })).status).toBe(404);
    expect((await revert(storyId, 0, ana, { userId: cleoId })).status).toBe(400);
    expect((await revert('00000000-0000-4000-8000-000000000009', 1, ana, { userId: cleoId })).status).toBe(404);
    // Someone who changed nothing since: nothing to revert.
    expect((await revert(storyId, number, ana, { userId: viewer.id })).body).toEqual({ reverted: false });
    expect(bodyText(c.doc)).toEqual(before);
    expect(bodyText(await storedDoc(server.store, storyId))).toEqual(before);
  });
});
