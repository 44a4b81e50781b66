/**
 * What the editor's save indicator says. The rules, in order, so that the
 * label never claims more than is known:
 *
 * 1. Joined and holding the server's state: "Saving…" while any change is
 *    unacknowledged or still waiting to be sent, else "All changes saved"
 *    (an acknowledgement means committed to storage, not merely received).
 * 2. The browser says it is offline: "Offline — changes kept on this device"
 *    (edits go to IndexedDB and are sent on reconnect).
 * 3. Not joined and no connect attempt has failed yet: "Connecting…" if this
 *    story never reached the server in this session, else "Reconnecting…".
 *    A blip (server restart, network change) thus reads "Reconnecting…".
 * 4. An attempt failed, or the server would not let us back in:
 *    "Offline — changes kept on this device". It stays so between retries,
 *    rather than flickering with each attempt, until a connection succeeds.
 *
 * Joined, with changes the server keeps refusing because they build on a
 * co-editor's text it lost (`held`, see SocketIOProvider): "Some changes
 * waiting to be saved", rather than a "Saving…" that never ends.
 */
export type SaveState = {
  kind: 'connecting' | 'reconnecting' | 'saving' | 'saved' | 'offline' | 'held';
  label: string;
};

export type SaveFacts = {
  /** navigator.onLine */
  online: boolean;
  /** Joined to the story and synced with the server's copy. */
  live: boolean;
  /** The story has been live at least once since it was opened. */
  wasLive: boolean;
  /** The socket is up but the server refused the join, so waiting will not help. */
  refused: boolean;
  /** Connect attempts that failed since the last successful one. */
  failedAttempts: number;
  /** Unacknowledged sends or edits not yet sent. */
  unsaved: boolean;
  /** The server has refused some of them several times for want of a co-editor's lost text. */
  held: boolean;
};

const OFFLINE: SaveState = { kind: 'offline', label: 'Offline — changes kept on this device' };

export function describeSaveState({ online, live, wasLive, refused, failedAttempts, unsaved, held }: SaveFacts): SaveState {
  if (live && unsaved && held) return { kind: 'held', label: 'Some changes waiting to be saved' };
  if (live) return unsaved ? { kind: 'saving', label: 'Saving…' } : { kind: 'saved', label: 'All changes saved' };
  if (!online || refused || failedAttempts > 0) return OFFLINE;
  return wasLive ? { kind: 'reconnecting', label: 'Reconnecting…' } : { kind: 'connecting', label: 'Connecting…' };
}
