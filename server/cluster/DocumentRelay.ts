import type { ObservableV2 } from 'lib0/observable';

/**
 * How several Galley processes holding one story keep their copies equal.
 * Each process commits its clients' updates to the shared store and then
 * publishes them on the story's channel; every other process holding the
 * story applies them and forwards them to its own clients. Awareness
 * (presence, carets) travels the same way.
 *
 * No gap: a process subscribes to a story's channel *before* reading it from
 * storage, and updates are published only after they are committed, so each
 * update is either in what it reads or in what it hears afterwards. Whenever
 * that may not hold — the relay reconnected, a relayed update arrived without
 * one it depends on, another process loaded the story (see `catch-up`) — the
 * process reads the story from storage again, as it also does every 30 s.
 */
export interface DocumentRelay extends ObservableV2<RelayEvents> {
  /** Starts hearing a story's messages; resolves once subscribed. Returns the unsubscribe. */
  subscribe(storyId: string, listener: RelayListener): Promise<() => Promise<void>>;
  publish(storyId: string, kind: RelayKind, payload: Uint8Array): void;
  close(): Promise<void>;
}

/**
 * `catch-up`: "read this story from storage". A process that loads a story sends it,
 * because what it read may include updates whose process died after committing them
 * and before relaying them; their author's client, now connected to the loader, will
 * not send them again.
 */
export type RelayEvents = {
  /** The relay lost and regained its connection: messages may have been missed. */
  resync: () => void;
};

export type RelayKind = 'update' | 'awareness' | 'catch-up';
export type RelayListener = (kind: RelayKind, payload: Uint8Array) => void;
