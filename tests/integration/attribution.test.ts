import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { connectClient, createStory, setParagraphs, type TestClient } from '../helpers/clients';
import { call } from '../helpers/http';
import { createUser, startTestServer, type TestServer } from '../helpers/testServer';

let server: TestServer;
let clients: TestClient[] = [];

beforeEach(async () => {
  server = await startTestServer();
});

afterEach(async () => {
  clients.forEach((c) => c.close());
  clients = [];
  await server.close();
});

describe('GET /api/stories/:id/authors', () => {
  it('names the author of every Yjs client id that wrote in the story, as the server bound them', async () => {
    const ana = await createUser(server, 'writer', 'Ana Writer');
    const ben = await createUser(server, 'editor', 'Ben Editor');
    const viewer = await createUser(server, 'viewer', 'Vic Viewer');
    const storyId = await createStory(server, ana);
    const anaDoc = new Y.Doc();
    const anaTab2 = new Y.Doc(); // a second tab: another client id, the same person
    const benDoc = new Y.Doc();
    for (const [user, doc] of [
      [ana, anaDoc],
      [ana, anaTab2],
      [ben, benDoc],
    ] as const)
      clients.push(await connectClient(server, user, storyId, doc));
    setParagraphs(anaDoc, 'headline', ['Written by Ana']);
    setParagraphs(anaTab2, 'byline', ['By Ana']);
    setParagraphs(benDoc, 'body', ['Written by Ben']);
    await Promise.all(clients.map((c) => c.provider.whenSaved()));

    const answer = await call(server, 'GET', `/api/stories/${storyId}/authors`, { user: viewer });
    expect(answer.status).toBe(200);
    const byClient = new Map(answer.body.authors.map((a: { clientId: number; name: string; userId: string }) => [a.clientId, a]));
    expect(byClient.get(anaDoc.clientID)).toMatchObject({ userId: ana.id, name: 'Ana Writer' });
    expect(byClient.get(anaTab2.clientID)).toMatchObject({ userId: ana.id, name: 'Ana Writer' });
    expect(byClient.get(benDoc.clientID)).toMatchObject({ userId: ben.id, name: 'Ben Editor' });
    expect(answer.body.authors.every((a: { color: string }) => /^#[0-9a-f]{6}$/i.test(a.color))).toBe(true);
  });

  it('answers 404 for a story that does not exist and 400 for an id that is not one', async () => {
    const ana = await createUser(server, 'writer');
    expect((await call(server, 'GET', '/api/stories/00000000-0000-4000-8000-000000000009/authors', { user: ana })).status).toBe(404);
    expect((await call(server, 'GET', '/api/stories/nope/authors', { user: ana })).status).toBe(400);
  });
});
