/**
 * How several Galley processes holding one story keep their copies equal.
 * Each process commits its clients' updates to the shared store and then
 * publishes them on the story's channel; every other process holding the
 * story applies them and forwards them to its own clients. Awareness
 * (presence, carets) travels the same way.
 *
 * No gap: a process subscribes to a story's channel *before* reading it from
 * storage, and updates are published only after they are committed, so each
 * update is either in what it reads or in what it hears afterwards. When the
 * channel itself loses messages (the relay reconnected), every process reads
 * its stories from storage again.
 */
export interface DocumentRelay {
  /** Starts hearing a story's messages; resolves once subscribed. Returns the unsubscribe. */
  subscribe(storyId: string, listener: RelayListener): Promise<() => Promise<void>>;
  publish(storyId: string, kind: RelayKind, payload: Uint8Array): void;
  /** Called after the relay lost and regained its connection: messages may have been missed. */
  onResync(listener: () => void): void;
  close(): Promise<void>;
}

export type RelayKind = 'update' | 'awareness';
export type RelayListener = (kind: RelayKind, payload: Uint8Array) => void;
