/**
 * "Who wrote this?" names whoever first wrote the text, as the server bound their Yjs client id,
 * even after someone else wrote it again: a restore, "Undo restore", Ctrl+Z of a deletion, a
 * selective revert; and that stays so through publication, compaction and a restart. Real server,
 * real Socket.IO clients, the client's own restore, undo and claim code.
 */
import { ySyncPluginKey } from '@tiptap/y-tiptap';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { StoryUndo } from '../../client/lib/editor/StoryUndo';
import { followUndoCopies } from '../../client/lib/editor/undoCopies';
import { ProvenanceOutbox } from '../../client/lib/sync/ProvenanceOutbox';
import { randomUUID } from 'node:crypto';
import { readThreads } from '../../shared/comments';
import { PROVENANCE_ROOT } from '../../shared/provenance';
import { restoreRevision } from '../../shared/restoreRevision';
import { STORY_FIELDS } from '../../shared/story';
import { readSuggestions } from '../../shared/suggestions';
import { connectClient, createStory, eventually, setParagraphs, storedDoc, type TestClient } from '../helpers/clients';
import { call } from '../helpers/http';
import { saveVersion, versionDoc, writtenBy } from '../helpers/provenance';
import { createUser, startTestServer, type TestServer, type TestUser } from '../helpers/testServer';

let server: TestServer;
let clients: TestClient[] = [];
let outboxes: ProvenanceOutbox[] = [];

function disconnectEveryone(): void {
  outboxes.forEach((o) => o.destroy());
  clients.forEach((c) => c.close());
  [clients, outboxes] = [[], []];
}

afterEach(async () => {
  disconnectEveryone();
  await server.close();
});

/** Everyone leaves and the server restarts on the same data. */
async function restartServer(): Promise<void> {
  disconnectEveryone();
  const { dataDir } = server;
  await server.stop();
  server = await startTestServer({ dataDir });
}

type Person = { user: TestUser; client: TestClient; outbox: ProvenanceOutbox };

/** Someone in the story with the client's claim outbox (what StorySession.claimCopies sends through). */
async function join(user: TestUser, storyId: string): Promise<Person> {
  const client = await connectClient(server, user, storyId);
  const outbox = new ProvenanceOutbox(client.provider);
  clients.push(client);
  outboxes.push(outbox);
  return { user, client, outbox };
}

const owners = (storyId: string) => server.store.loadClientOwners(storyId);
const bodyOf = (doc: Y.Doc) => doc.getXmlFragment('body').toString();

/** The body's text by first author, as every copy of the story reads it: each client's and storage's. */
async function expectBodyWrittenBy(storyId: string, docs: Y.Doc[], expected: Array<[string, TestUser]>): Promise<void> {
  const want = expected.map(([text, user]) => [text, user.id]);
  await eventually(async () => {
    const bound = await owners(storyId);
    for (const doc of [...docs, await storedDoc(server.store, storyId)]) expect(writtenBy(doc, 'body', bound)).toEqual(want);
  });
}

/** Eddie (an editor) writes the body; Wren (a writer) and Ben (a writer) are in the story too. */
async function storyByEddie(body = 'Eddie wrote this sentence.') {
  const eddieUser = await createUser(server, 'editor', 'Eddie Editor');
  const wrenUser = await createUser(server, 'writer', 'Wren Writer');
  const benUser = await createUser(server, 'writer', 'Ben Writer');
  const storyId = await createStory(server, eddieUser);
  const eddie = await join(eddieUser, storyId);
  setParagraphs(eddie.client.doc, 'body', [body]);
  await eddie.client.provider.whenSaved();
  const wren = await join(wrenUser, storyId);
  const ben = await join(benUser, storyId);
  for (const { client } of [wren, ben]) await eventually(() => expect(bodyOf(client.doc)).toContain(body));
  return { storyId, eddie, wren, ben };
}

/** "Restore this version" as the History panel does it: copy, then claim the copies. */
async function restore(person: Person, storyId: string, number: number, origin: unknown = 'restore'): Promise<void> {
  const source = await versionDoc(server, storyId, number, person.user);
  person.outbox.claim(restoreRevision(person.client.doc, source, origin));
  source.destroy();
}

describe('attribution of text written again', () => {
  it('a restored version’s text stays its first author’s, for everyone, in storage and for a late joiner', async () => {
    server = await startTestServer();
    const { storyId, eddie, wren } = await storyByEddie();
    const number = await saveVersion(server, storyId, wren.user, 'Eddie’s text');
    setParagraphs(wren.client.doc, 'body', ['Wren replaced it.']);
    await wren.client.provider.whenSaved();
    await eventually(() => expect(bodyOf(eddie.client.doc)).toContain('Wren replaced it.'));

    await restore(wren, storyId, number);
    await expectBodyWrittenBy(storyId, [eddie.client.doc, wren.client.doc], [['Eddie wrote this sentence.', eddie.user]]);
    // Written again under Wren's client id: without the record, the binding would say it is hers.
    expect((await owners(storyId)).get(wren.client.doc.clientID)).toBe(wren.user.id);
    const late = await join(wren.user, storyId);
    expect(writtenBy(late.client.doc, 'body', await owners(storyId))).toEqual([['Eddie wrote this sentence.', eddie.user.id]]);
  });

  it('“Undo restore” gives back the replaced text to whoever wrote it', async () => {
    server = await startTestServer();
    const { storyId, eddie, wren, ben } = await storyByEddie();
    const number = await saveVersion(server, storyId, wren.user, 'Eddie’s text');
    setParagraphs(ben.client.doc, 'body', ['Ben rewrote the story.']);
    await ben.client.provider.whenSaved();
    await eventually(() => expect(bodyOf(wren.client.doc)).toContain('Ben rewrote'));

    // As RevisionHistory: an UndoManager that tracks only the restore's origin, followed for the text it brings back.
    const origin = { restore: true };
    const undo = new Y.UndoManager(
      STORY_FIELDS.map((field) => wren.client.doc.getXmlFragment(field)),
      { trackedOrigins: new Set([origin]), captureTimeout: 0 },
    );
    const off = followUndoCopies(undo, (copies) => wren.outbox.claim(copies));
    await restore(wren, storyId, number, origin);
    await expectBodyWrittenBy(storyId, [ben.client.doc], [['Eddie wrote this sentence.', eddie.user]]);
    undo.undo();
    expect(bodyOf(wren.client.doc)).toContain('Ben rewrote the story.');
    await expectBodyWrittenBy(storyId, [eddie.client.doc, ben.client.doc, wren.client.doc], [['Ben rewrote the story.', ben.user]]);
    off();
    undo.destroy();
  });

  it('Ctrl+Z of a deletion gives the text back to its author, and so do redo and undo again', async () => {
    server = await startTestServer();
    const { storyId, eddie, wren } = await storyByEddie('Eddie wrote this. And this.');
    // Wren's editor: the story's undo (StoryUndo), her edits made through the editor binding's origin.
    const undo = new StoryUndo(wren.client.doc, { reveal: () => {}, claimCopies: (copies) => wren.outbox.claim(copies) });
    const text = (wren.client.doc.getXmlFragment('body').get(0) as Y.XmlElement).get(0) as Y.XmlText;
    wren.client.doc.transact(() => text.delete('Eddie wrote this.'.length, ' And this.'.length), ySyncPluginKey);
    undo.manager.endStep();
    wren.client.doc.transact(() => text.insert(text.length, ' Wren’s own.'), ySyncPluginKey);
    undo.manager.endStep();
    await wren.client.provider.whenSaved();

    undo.manager.undo(); // takes back her sentence
    undo.manager.undo(); // brings back Eddie's
    expect(text.toString()).toBe('Eddie wrote this. And this.');
    await expectBodyWrittenBy(storyId, [eddie.client.doc], [['Eddie wrote this. And this.', eddie.user]]);

    // Redo deletes the copy; undo again copies the copy: still Eddie's.
    undo.manager.redo();
    expect(text.toString()).toBe('Eddie wrote this.');
    undo.manager.undo();
    expect(text.toString()).toBe('Eddie wrote this. And this.');
    await expectBodyWrittenBy(storyId, [eddie.client.doc, wren.client.doc], [['Eddie wrote this. And this.', eddie.user]]);
    // And redo of her own sentence is still hers.
    undo.manager.redo();
    undo.manager.redo();
    await expectBodyWrittenBy(
      storyId,
      [eddie.client.doc],
      [
        ['Eddie wrote this.', eddie.user],
        [' Wren’s own.', wren.user],
      ],
    );
    undo.manager.destroy();
  });

  it('a selective revert gives text back to its first author, not to whoever reverted', async () => {
    server = await startTestServer();
    const { storyId, eddie, wren, ben } = await storyByEddie('The quick brown fox.');
    const number = await saveVersion(server, storyId, wren.user, 'Fox');
    const text = (ben.client.doc.getXmlFragment('body').get(0) as Y.XmlElement).get(0) as Y.XmlText;
    text.delete('The '.length, 'quick '.length);
    await ben.client.provider.whenSaved();
    const reverted = await call(server, 'POST', `/api/stories/${storyId}/revisions/${number}/revert`, {
      user: wren.user,
      body: { userId: ben.user.id },
    });
    expect(reverted.body).toEqual({ reverted: true });
    await expectBodyWrittenBy(storyId, [eddie.client.doc, ben.client.doc], [['The quick brown fox.', eddie.user]]);
    // The revert wrote it under a client id bound to Wren: the record says whose it is.
    const bound = await owners(storyId);
    const map = eddie.client.doc.getMap(PROVENANCE_ROOT);
    expect([...map.keys()].map((key) => bound.get(Number(key.split(':')[0])))).toEqual([wren.user.id]);
  });

  it('survives publication, and a copy of a copy (restoring the publication) keeps the first author', async () => {
    server = await startTestServer();
    const { storyId, eddie, wren, ben } = await storyByEddie();
    for (const field of ['headline', 'standfirst', 'byline'] as const) setParagraphs(eddie.client.doc, field, [`A ${field}`]);
    await eddie.client.provider.whenSaved();
    const number = await saveVersion(server, storyId, wren.user, 'Eddie’s text');
    setParagraphs(wren.client.doc, 'body', ['Wren replaced it.']);
    await restore(wren, storyId, number);
    await expectBodyWrittenBy(storyId, [eddie.client.doc], [['Eddie wrote this sentence.', eddie.user]]);

    const published = await call(server, 'POST', `/api/stories/${storyId}/publish`, { user: eddie.user });
    expect(published.status).toBe(200);
    await expectBodyWrittenBy(storyId, [eddie.client.doc, ben.client.doc], [['Eddie wrote this sentence.', eddie.user]]);

    // Ben rewrites, then restores the publication: its text is Wren's copy, recorded as Eddie's.
    const publication = (await call(server, 'GET', `/api/stories/${storyId}/revisions`, { user: ben.user })).body.revisions[0].number;
    setParagraphs(ben.client.doc, 'body', ['Ben rewrote it.']);
    await restore(ben, storyId, publication);
    await expectBodyWrittenBy(storyId, [eddie.client.doc, wren.client.doc], [['Eddie wrote this sentence.', eddie.user]]);
  });

  it('survives compaction, and text compacted away is still claimed from the version that holds it', async () => {
    server = await startTestServer({ env: { COMPACT_AFTER_UPDATES: '3' } });
    const { storyId, eddie, wren } = await storyByEddie();
    const number = await saveVersion(server, storyId, wren.user, 'Eddie’s text');
    setParagraphs(wren.client.doc, 'body', ['Wren replaced it.']);
    await wren.client.provider.whenSaved();
    // A few more edits: the log is folded into a snapshot, and Eddie's deleted text with it.
    const compacted = async () => {
      const log = await server.store.loadLog(storyId);
      expect(log.snapshot).not.toBeNull();
      expect(log.updates.length).toBeLessThan(3);
    };
    for (let i = 0; i < 4; i++) {
      wren.client.doc.getText('scratch').insert(0, `${i}`);
      await wren.client.provider.whenSaved();
    }
    await eventually(compacted);
    const stored = server.store.loadLog(storyId).then((log) => Buffer.from(log.snapshot!).toString('latin1'));
    expect(await stored).not.toContain('Eddie wrote');

    await restore(wren, storyId, number);
    await expectBodyWrittenBy(storyId, [eddie.client.doc], [['Eddie wrote this sentence.', eddie.user]]);
    // The record itself is folded into the next snapshot like the rest of the story.
    for (let i = 0; i < 4; i++) {
      eddie.client.doc.getText('scratch').insert(0, `${i}`);
      await eddie.client.provider.whenSaved();
    }
    await eventually(compacted);
    await expectBodyWrittenBy(storyId, [wren.client.doc], [['Eddie wrote this sentence.', eddie.user]]);
  });

  it('survives a restart: storage and everyone who joins afterwards read the same', async () => {
    server = await startTestServer();
    const { storyId, wren, eddie } = await storyByEddie();
    const number = await saveVersion(server, storyId, wren.user, 'Eddie’s text');
    setParagraphs(wren.client.doc, 'body', ['Wren replaced it.']);
    await restore(wren, storyId, number);
    await expectBodyWrittenBy(storyId, [wren.client.doc], [['Eddie wrote this sentence.', eddie.user]]);

    await restartServer();
    const again = await join(eddie.user, storyId);
    await expectBodyWrittenBy(storyId, [again.client.doc], [['Eddie wrote this sentence.', eddie.user]]);
    const authors = await call(server, 'GET', `/api/stories/${storyId}/authors`, { user: eddie.user });
    expect(authors.body.authors.map((a: { userId: string }) => a.userId)).toContain(eddie.user.id);
  });
});

describe('suggestion and comment authors', () => {
  it('stay whoever made them through a revert that writes the text again, publication, compaction and a restart', async () => {
    server = await startTestServer({ env: { COMPACT_AFTER_UPDATES: '3' } });
    const { storyId, eddie, wren, ben } = await storyByEddie('The ferry leaves at noon.');
    for (const field of ['headline', 'standfirst', 'byline'] as const) setParagraphs(eddie.client.doc, field, [`A ${field}`]);
    await eddie.client.provider.whenSaved();
    // Ben suggests an addition and comments on Eddie's text.
    const bensText = (ben.client.doc.getXmlFragment('body').get(0) as Y.XmlElement).get(0) as Y.XmlText;
    bensText.insert(bensText.length, ' Fares rise.', { insertion: { id: 'i1', by: ben.user.id } });
    await ben.client.provider.whenSaved();
    const anchor = (index: number) => Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(bensText, index));
    const threadId = randomUUID();
    const comment = {
      type: 'start',
      threadId,
      messageId: randomUUID(),
      field: 'body',
      start: anchor(4),
      end: anchor(9),
      quote: 'ferry',
      body: 'Which ferry?',
    };
    expect(await ben.client.provider.socket.emitWithAck('story:comment', storyId, comment as never)).toEqual({ ok: true, data: null });
    const number = await saveVersion(server, storyId, eddie.user, 'With the suggestion');

    // Wren deletes the paragraph's text, suggestion and all; Eddie reverts her: written again under his revert's client id.
    await eventually(() => expect(readSuggestions(wren.client.doc)).toHaveLength(1));
    const wrensText = (wren.client.doc.getXmlFragment('body').get(0) as Y.XmlElement).get(0) as Y.XmlText;
    wrensText.delete(0, wrensText.length);
    await wren.client.provider.whenSaved();
    const reverted = await call(server, 'POST', `/api/stories/${storyId}/revisions/${number}/revert`, {
      user: eddie.user,
      body: { userId: wren.user.id },
    });
    expect(reverted.body).toEqual({ reverted: true });
    await eventually(() => expect(readSuggestions(ben.client.doc).map((s) => s.inserted)).toEqual([' Fares rise.']));
    expect(readSuggestions(ben.client.doc)[0].client).not.toBe(ben.client.doc.clientID);

    expect((await call(server, 'POST', `/api/stories/${storyId}/publish`, { user: eddie.user })).status).toBe(200);
    for (let i = 0; i < 4; i++) {
      eddie.client.doc.getText('scratch').insert(0, `${i}`);
      await eddie.client.provider.whenSaved();
    }
    await eventually(async () => expect((await server.store.loadLog(storyId)).snapshot).not.toBeNull());

    await restartServer();
    const late = await join(wren.user, storyId);
    for (const doc of [late.client.doc, await storedDoc(server.store, storyId)]) {
      expect(readSuggestions(doc)).toMatchObject([{ inserted: ' Fares rise.', author: ben.user.id }]);
      const [thread] = readThreads(doc);
      expect(thread).toMatchObject({ id: threadId, createdBy: ben.user.id, messages: [{ authorId: ben.user.id, body: 'Which ferry?' }] });
    }
    await expectBodyWrittenBy(
      storyId,
      [late.client.doc],
      [
        ['The ferry leaves at noon.', eddie.user],
        [' Fares rise.', ben.user],
      ],
    );
  });
});

describe('provenance claims', () => {
  it('records a copy of text the person really wrote, and refuses one that is not, or not the claimer’s', async () => {
    server = await startTestServer();
    const { storyId, eddie, wren } = await storyByEddie('I will not resign.');
    const mallory = wren;
    const paragraph = () => (mallory.client.doc.getXmlFragment('body').get(0) as Y.XmlElement).get(0) as Y.XmlText;
    const eddieItem = { client: eddie.client.doc.clientID, clock: paragraph()._start!.id.clock };
    // Mallory types "I resign." herself and claims Eddie wrote it: "I " + "resign." are not his run "I will n".
    paragraph().insert(0, 'I resign. ');
    await mallory.client.provider.whenSaved();
    const mine = { client: mallory.client.doc.clientID, clock: 0 };
    const send = (copies: unknown) => mallory.client.provider.socket.emitWithAck('story:provenance', storyId, { copies } as never);
    const mismatch = await send([{ to: mine, from: eddieItem, length: 'I resign.'.length }]);
    expect(mismatch).toMatchObject({ ok: false, error: { code: 'invalid' } });
    // Claiming for Eddie's own items: they are not hers to claim.
    const notHers = await send([{ to: eddieItem, from: mine, length: 2 }]);
    expect(notHers).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    // Items that do not exist, under her own client id.
    const unknown = await send([{ to: { ...mine, clock: 10_000 }, from: eddieItem, length: 2 }]);
    expect(unknown).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(eddie.client.doc.getMap(PROVENANCE_ROOT).size).toBe(0);
    await expectBodyWrittenBy(
      storyId,
      [eddie.client.doc],
      [
        ['I resign. ', mallory.user],
        ['I will not resign.', eddie.user],
      ],
    );

    // Her "I " does hold Eddie's "I ": that much is his text, and a faithful copy is recorded as his.
    const honest = await send([{ to: mine, from: eddieItem, length: 2 }]);
    expect(honest).toEqual({ ok: true, data: { recorded: 2 } });
    await expectBodyWrittenBy(
      storyId,
      [eddie.client.doc],
      [
        ['I ', eddie.user],
        ['resign. ', mallory.user],
        ['I will not resign.', eddie.user],
      ],
    );
    // Sent again (a lost ack): nothing more to record.
    expect(await send([{ to: mine, from: eddieItem, length: 2 }])).toEqual({ ok: true, data: { recorded: 0 } });
  });
});
