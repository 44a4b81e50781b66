import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import { applyAwarenessUpdate, Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { GalleyError } from '../../shared/errors';
import type { Connection } from '../../server/documents/StoryDocument';
import { StoryDocument } from '../../server/documents/StoryDocument';
import { createLogger } from '../../server/logger';
import { GroupCommit } from '../../server/persistence/GroupCommit';
import { SqliteStore } from '../../server/persistence/sqlite/SqliteStore';
import { newDraft } from '../../server/workflow/workflowState';
import { storedDoc } from '../helpers/clients';
import { guardAwarenessUpdate } from '../../server/transport/awarenessGuard';
import { toBytes } from '../../shared/binary';
import { encodeStep1, encodeUpdateMessage, handleSyncMessage } from '../../server/transport/syncMessage';

const log = createLogger('silent');
const storyId = '11111111-1111-4111-8111-111111111111';

function connection(name: string): Connection {
  return {
    id: name,
    user: {
      id: `user-${name}`,
      email: `${name}@x.test`,
      name,
      role: 'writer',
      color: '#175cd3',
      passwordHash: '',
      createdAt: '',
      deactivatedAt: null,
    },
    awarenessClients: new Set(),
  };
}

async function openDocument() {
  const store = SqliteStore.open(':memory:');
  await store.createUser(connection('owner').user);
  await store.createStory(newDraft(storyId, { id: 'user-owner', name: 'Owner' }, ''));
  const document = new StoryDocument(storyId, {
    store,
    log,
    commits: new GroupCommit(store),
    compaction: { maxUpdates: 500, maxBytes: 1e6 },
  });
  return { store, document };
}

function updateMessage(edit: (doc: Y.Doc) => void): Uint8Array {
  const doc = new Y.Doc();
  edit(doc);
  return encodeUpdateMessage(Y.encodeStateAsUpdate(doc));
}

describe('sync messages', () => {
  it('answers a step 1 with a step 2 carrying what the client lacks', async () => {
    const { document } = await openDocument();
    document.doc.getText('t').insert(0, 'server text');
    const client = new Y.Doc();
    const reply = await handleSyncMessage(document, connection('a'), encodeStep1(client), true);
    expect(reply).not.toBeNull();
    const decoder = decoding.createDecoder(reply!);
    expect(decoding.readVarUint(decoder)).toBe(syncProtocol.messageYjsSyncStep2);
    Y.applyUpdate(client, decoding.readVarUint8Array(decoder));
    expect(client.getText('t').toString()).toBe('server text');
  });

  it('applies an update from an editor and resolves only once it is stored', async () => {
    const { store, document } = await openDocument();
    const reply = await handleSyncMessage(
      document,
      connection('a'),
      updateMessage((d) => d.getText('t').insert(0, 'hello')),
      true,
    );
    expect(reply).toBeNull();
    expect(document.doc.getText('t').toString()).toBe('hello');
    const stored = await storedDoc(store, storyId);
    expect(stored.getText('t').toString()).toBe('hello');
  });

  it('refuses updates from a reader without touching the document', async () => {
    const { document } = await openDocument();
    await expect(
      handleSyncMessage(
        document,
        connection('a'),
        updateMessage((d) => d.getText('t').insert(0, 'x')),
        false,
      ),
    ).rejects.toMatchObject({
      code: 'forbidden',
    });
    expect(document.doc.getText('t').toString()).toBe('');
  });

  it.each([
    ['an unknown message type', Uint8Array.of(7, 0)],
    ['a truncated message', Uint8Array.of(2, 50, 1, 2)],
    ['trailing bytes', Uint8Array.of(0, 0, 9)],
    ['an update Yjs cannot decode', Uint8Array.of(2, 3, 255, 255, 255)],
  ])('rejects %s with a clear error and leaves the document alone', async (_name, bytes) => {
    const { document } = await openDocument();
    document.doc.getText('t').insert(0, 'intact');
    const before = Y.encodeStateAsUpdate(document.doc);
    const error = await handleSyncMessage(document, connection('a'), bytes, true).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GalleyError);
    expect(['bad_request', 'invalid']).toContain((error as GalleyError).code);
    expect(Y.encodeStateAsUpdate(document.doc)).toEqual(before);
  });
});

describe('binary payloads', () => {
  it('copies the bytes so later changes to the source cannot leak in', () => {
    const source = Uint8Array.of(1, 2, 3);
    const copy = toBytes(source, 10);
    source[0] = 9;
    expect([...copy]).toEqual([1, 2, 3]);
  });

  it('accepts ArrayBuffers and refuses strings, empty and oversized payloads', () => {
    expect([...toBytes(Uint8Array.of(4, 5).buffer, 10)]).toEqual([4, 5]);
    expect(() => toBytes('text', 10)).toThrow(/binary/);
    expect(() => toBytes(new Uint8Array(0), 10)).toThrow(/Empty/);
    expect(() => toBytes(new Uint8Array(11), 10)).toThrow(expect.objectContaining({ code: 'too_large' }));
  });
});

describe('awareness guard', () => {
  const awarenessUpdate = (clientId: number, state: Record<string, unknown>) => {
    const doc = new Y.Doc();
    doc.clientID = clientId;
    const awareness = new Awareness(doc);
    awareness.setLocalState(state);
    const update = encodeAwarenessUpdate(awareness, [clientId]);
    awareness.destroy();
    return update;
  };
  const decodeStates = (update: Uint8Array) => {
    const awareness = new Awareness(new Y.Doc());
    applyAwarenessUpdate(awareness, update, null);
    return awareness.getStates();
  };

  it('stamps the state with the authenticated user and drops unknown fields', async () => {
    const { document } = await openDocument();
    const a = connection('Ana');
    const guarded = guardAwarenessUpdate(
      document,
      a,
      awarenessUpdate(42, { user: { id: 'x', name: 'Someone else', color: '#000' }, field: 'nowhere' }),
    );
    const state = decodeStates(guarded).get(42);
    expect(state).toMatchObject({ user: { id: 'user-Ana', name: 'Ana', color: '#175cd3' }, field: null });
    expect(a.awarenessClients.has(42)).toBe(true);
  });

  it('refuses a client id another connection owns', async () => {
    const { document } = await openDocument();
    const a = connection('Ana');
    const b = connection('Ben');
    document.addConnection(a);
    document.addConnection(b);
    guardAwarenessUpdate(document, a, awarenessUpdate(42, { field: 'body' }));
    expect(() => guardAwarenessUpdate(document, b, awarenessUpdate(42, { field: 'headline' }))).toThrow(/another connection/);
  });

  it('lets the same person’s new connection take over their client id from a stale one', async () => {
    const { document } = await openDocument();
    const stale = connection('Ana');
    const fresh = { ...connection('Ana'), id: 'Ana-again', awarenessClients: new Set<number>() };
    document.addConnection(stale);
    document.addConnection(fresh);
    guardAwarenessUpdate(document, stale, awarenessUpdate(42, { field: 'body' }));
    guardAwarenessUpdate(document, fresh, awarenessUpdate(42, { field: 'headline' }));
    expect(fresh.awarenessClients.has(42)).toBe(true);
    expect(stale.awarenessClients.has(42)).toBe(false);
  });

  it('refuses malformed awareness bytes', async () => {
    const { document } = await openDocument();
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, 1);
    encoding.writeVarUint(encoder, 5);
    encoding.writeVarUint(encoder, 1);
    encoding.writeVarString(encoder, '{not json');
    expect(() => guardAwarenessUpdate(document, connection('a'), encoding.toUint8Array(encoder))).toThrow(/Malformed awareness/);
    expect(() => guardAwarenessUpdate(document, connection('a'), Uint8Array.of(200))).toThrow(/Malformed awareness/);
  });
});
