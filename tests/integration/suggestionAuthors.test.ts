/**
 * Who made a suggestion is fixed by the server when its first mark arrives, and stays with it when
 * someone else writes the marks again: a restore, an undo, a reload.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { restoreRevision } from '../../shared/restoreRevision';
import { readSuggestions, SUGGESTION_AUTHORS_ROOT } from '../../shared/suggestions';
import { connectClient, createStory, eventually, setParagraphs, storedDoc, type TestClient } from '../helpers/clients';
import { createUser, startTestServer, type TestServer, type TestUser } from '../helpers/testServer';

let server: TestServer;
let writer: TestUser;
let editor: TestUser;
const clients: TestClient[] = [];

beforeAll(async () => {
  server = await startTestServer();
  writer = await createUser(server, 'writer', 'Wren Writer');
  editor = await createUser(server, 'editor', 'Eddie Editor');
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

const bodyText = (doc: Y.Doc) => (doc.getXmlFragment('body').get(0) as Y.XmlElement).get(0) as Y.XmlText;

/** The editor suggests " Fares rise." at the end of the writer's body. */
async function storyWithASuggestion(): Promise<{ storyId: string; wren: TestClient; eddie: TestClient }> {
  const storyId = await createStory(server, writer);
  const wren = await join(writer, storyId);
  setParagraphs(wren.doc, 'body', ['The ferry leaves at noon.']);
  await wren.provider.whenSaved();
  const eddie = await join(editor, storyId);
  await eventually(() => expect(eddie.doc.getXmlFragment('body').toString()).toContain('noon'));
  bodyText(eddie.doc).insert('The ferry leaves at noon.'.length, ' Fares rise.', { insertion: { id: 'i1', by: editor.id } });
  await eddie.provider.whenSaved();
  await eventually(() => expect(readSuggestions(wren.doc).map((s) => s.author)).toEqual([editor.id]));
  return { storyId, wren, eddie };
}

describe('suggestion authors', () => {
  it('records the suggester from the server binding, and keeps it when the writer restores an older copy of the text', async () => {
    const { storyId, wren, eddie } = await storyWithASuggestion();
    const version = new Y.Doc();
    Y.applyUpdate(version, Y.encodeStateAsUpdate(wren.doc));
    // The writer changes the body, then restores the copy: the marks are written again, by her.
    setParagraphs(wren.doc, 'body', ['Something else entirely.']);
    restoreRevision(wren.doc, version, 'restore');
    await wren.provider.whenSaved();
    await eventually(() => expect(eddie.doc.getXmlFragment('body').toString()).toContain('Fares rise'));
    for (const doc of [wren.doc, eddie.doc, await storedDoc(server.store, storyId)]) {
      const [suggestion] = readSuggestions(doc);
      expect(suggestion).toMatchObject({ inserted: ' Fares rise.', author: editor.id });
      // Written again under the writer's client id: without the record, it would be hers.
      expect(suggestion.client).toBe(wren.doc.clientID);
    }
    // Someone who joins now, from what the server holds, reads the same.
    const late = await join(writer, storyId);
    expect(readSuggestions(late.doc).map((s) => s.author)).toEqual([editor.id]);
  });

  it('keeps the suggester when the writer undoes her deletion of the suggested text', async () => {
    const { wren, eddie } = await storyWithASuggestion();
    const undo = new Y.UndoManager(wren.doc.getXmlFragment('body'), { trackedOrigins: new Set(['typing']) });
    wren.doc.transact(() => bodyText(wren.doc).delete('The ferry leaves at noon.'.length, ' Fares rise.'.length), 'typing');
    await eventually(() => expect(readSuggestions(eddie.doc)).toEqual([]));
    undo.undo();
    await wren.provider.whenSaved();
    await eventually(() => expect(readSuggestions(eddie.doc).map((s) => s.author)).toEqual([editor.id]));
    expect(readSuggestions(wren.doc)[0].client).toBe(wren.doc.clientID);
    undo.destroy();
  });

  it('keeps the first record when another suggestion mark with the same key arrives from someone else', async () => {
    const { storyId, wren } = await storyWithASuggestion();
    const text = bodyText(wren.doc);
    text.insert(0, 'Update: ', { insertion: { id: 'i1', by: writer.id } });
    await wren.provider.whenSaved();
    const stored = await storedDoc(server.store, storyId);
    expect(stored.getMap(SUGGESTION_AUTHORS_ROOT).toJSON()).toEqual({ 'body:string:i1': editor.id });
  });
});
