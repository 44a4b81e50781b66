/**
 * Suggestions and publication, end to end on a real server: suggestion marks
 * written into the story through a real Yjs client (as the editor's binding
 * writes them) never reach the public page, the preview, or the revision,
 * and the text reads as if every open suggestion were rejected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { connectClient, createStory, setParagraphs, type TestClient } from '../helpers/clients';
import { call } from '../helpers/http';
import { createUser, startTestServer, type TestServer, type TestUser } from '../helpers/testServer';

let server: TestServer;
let editor: TestUser;
const clients: TestClient[] = [];

beforeAll(async () => {
  server = await startTestServer();
  editor = await createUser(server, 'editor', 'Eddie Editor');
});

afterAll(async () => {
  clients.forEach((c) => c.close());
  await server?.close();
});

describe('publishing a story with open suggestions', () => {
  it('publishes the text without pending insertions, keeps pending deletions as plain text, and no suggestion mark anywhere', async () => {
    const storyId = await createStory(server, editor);
    const client = await connectClient(server, editor, storyId);
    clients.push(client);
    setParagraphs(client.doc, 'headline', ['Ferry fares rise']);
    setParagraphs(client.doc, 'standfirst', ['Tickets cost more.']);
    setParagraphs(client.doc, 'byline', ['Jane Doe']);
    setParagraphs(client.doc, 'body', ['The council voted on Tuesday.']);
    const body = (client.doc.getXmlFragment('body').get(0) as Y.XmlElement).get(0) as Y.XmlText;
    client.doc.transact(() => {
      // "on Tuesday" suggested for deletion, "late at night" suggested for insertion.
      body.format('The council voted '.length, 'on Tuesday'.length, { deletion: { id: 'd1', by: editor.id } });
      body.insert('The council voted on Tuesday'.length, ' late at night', { insertion: { id: 'i1', by: editor.id } });
    });
    await client.provider.whenSaved();

    const preview = await call(server, 'GET', `/preview/${storyId}`, { user: editor });
    expect(preview.status).toBe(200);
    expect(preview.text).toContain('The council voted on Tuesday.');
    expect(preview.text).not.toContain('late at night');

    const published = await call(server, 'POST', `/api/stories/${storyId}/publish`, { user: editor });
    expect(published.status).toBe(200);
    const slug = published.body.workflow.slug as string;

    const page = await call(server, 'GET', `/stories/${slug}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<p>The council voted on Tuesday.</p>');
    expect(page.text).not.toMatch(/late at night|<ins|<del|data-suggest|\u200B/);

    const revision = await call(server, 'GET', `/api/stories/${storyId}/revisions/1`, { user: editor });
    expect(revision.status).toBe(200);
    expect(JSON.stringify(revision.body)).toContain('on Tuesday');
    expect(JSON.stringify(revision.body)).not.toMatch(/late at night|insertion|deletion/);

    // The suggestions are still open in the story itself, for the newsroom to decide.
    expect(body.toDelta()).toContainEqual({ insert: ' late at night', attributes: { insertion: { id: 'i1', by: editor.id } } });
  });
});
