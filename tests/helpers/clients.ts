import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import * as Y from 'yjs';
import { SocketIOProvider } from '../../client/lib/sync/SocketIOProvider';
import { closeSocket, connectSocket } from '../../client/lib/sync/socket';
import { logUpdates, type Store } from '../../server/persistence/Store';
import { SOCKET_PARSER } from '../../shared/socketParser';
import type { TestServer, TestUser } from './testServer';

export type TestClient = { provider: SocketIOProvider; doc: Y.Doc; close(): void };

/** A headless editor: the real client provider over a real Socket.IO connection. */
export async function connectClient(
  server: TestServer | { url: string },
  user: TestUser,
  storyId: string,
  doc = new Y.Doc(),
): Promise<TestClient> {
  const socket = connectSocket(server.url, { cookie: user.cookie });
  const provider = new SocketIOProvider({ socket, storyId, doc });
  await provider.whenSynced();
  return {
    provider,
    doc,
    close() {
      provider.destroy();
      closeSocket(socket);
    },
  };
}

export async function createStory(server: { url: string }, user: TestUser): Promise<string> {
  const res = await fetch(`${server.url}/api/stories`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: user.cookie },
    body: '{}',
  });
  if (res.status !== 201) throw new Error(`create story failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

/** Sets a single-paragraph field's text the way the editor would shape it. */
export function setParagraphs(doc: Y.Doc, field: string, paragraphs: string[]): void {
  const fragment = doc.getXmlFragment(field);
  doc.transact(() => {
    fragment.delete(0, fragment.length);
    fragment.insert(
      0,
      paragraphs.map((text) => {
        const paragraph = new Y.XmlElement('paragraph');
        paragraph.insert(0, [new Y.XmlText(text)]);
        return paragraph;
      }),
    );
  });
}

/**
 * Waits for a condition, polling; fails with the last error after `timeoutMs`. The default only says when to
 * call it hung, with room for a busy 2-core machine; a test that means a bound ("within 2 s") passes it.
 */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 10_000, intervalMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw lastError;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** What storage holds for a story, rebuilt into a Y.Doc (snapshot + log). */
export async function storedDoc(store: Store, storyId: string): Promise<Y.Doc> {
  const doc = new Y.Doc();
  logUpdates(await store.loadLog(storyId)).forEach((u) => Y.applyUpdate(doc, u));
  return doc;
}

/** A bare Socket.IO client speaking Galley's encoding (for tests that send raw, even malformed, events). */
export function rawSocket(url: string, options: Partial<ManagerOptions & SocketOptions> = {}): Socket {
  return io(url, { transports: ['websocket'], forceNew: true, reconnection: false, parser: SOCKET_PARSER, ...options });
}
