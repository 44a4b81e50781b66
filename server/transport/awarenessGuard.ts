import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { GalleyError } from '../../shared/errors';
import type { GalleyAwarenessState } from '../../shared/protocol';
import { isStoryField } from '../../shared/story';
import type { Connection, StoryDocument } from '../documents/StoryDocument';

type Entry = { clientId: number; clock: number; state: GalleyAwarenessState | null };

/**
 * Checks a client's awareness update and rewrites it so that nobody can
 * speak for another connection's client ids or claim another person's name.
 * Returns the update to apply (same wire format as y-protocols/awareness).
 */
export function guardAwarenessUpdate(document: StoryDocument, connection: Connection, update: Uint8Array): Uint8Array {
  const entries = decodeEntries(update);
  for (const { clientId } of entries) {
    const owner = connection.awarenessClients.has(clientId) ? connection : ownerOf(document, clientId);
    if (owner && owner !== connection) {
      // The same person reconnecting while their old connection has not timed out yet takes the id over.
      if (owner.user.id !== connection.user.id)
        throw new GalleyError('forbidden', `Awareness client ${clientId} belongs to another connection`);
      owner.awarenessClients.delete(clientId);
    }
  }
  for (const entry of entries) {
    connection.awarenessClients.add(entry.clientId);
    if (entry.state) entry.state = withAuthenticatedUser(entry.state, connection);
  }
  return encodeEntries(entries);
}

/**
 * Drops the entries of an awareness update that only relay states of client ids this connection
 * does not own: ids another connection owns, or ids whose state the server already has at that
 * clock or later. Stock y-websocket clients send every awareness update they receive back to the
 * server (their listener ignores the origin), so every remote change comes back once from each of
 * them; those entries are neither the sender's own nor an attack, so they are not applied and not
 * refused. Returns the rest for `guardAwarenessUpdate`, or null when nothing is left.
 */
export function withoutRelayedStates(document: StoryDocument, connection: Connection, update: Uint8Array): Uint8Array | null {
  const entries = decodeEntries(update);
  const own = entries.filter(
    ({ clientId, clock }) =>
      connection.awarenessClients.has(clientId) ||
      (!ownedByAnother(document, connection, clientId) && clock > (document.awareness.meta.get(clientId)?.clock ?? -1)),
  );
  if (own.length === 0) return null;
  return own.length === entries.length ? update : encodeEntries(own);
}

function ownerOf(document: StoryDocument, clientId: number): Connection | undefined {
  for (const other of document.connections.values()) {
    if (other.awarenessClients.has(clientId)) return other;
  }
  return undefined;
}

function ownedByAnother(document: StoryDocument, connection: Connection, clientId: number): boolean {
  const owner = ownerOf(document, clientId);
  return owner !== undefined && owner !== connection;
}

function withAuthenticatedUser(state: GalleyAwarenessState, { user }: Connection): GalleyAwarenessState {
  return {
    ...state,
    user: { id: user.id, name: user.name, color: user.color },
    field: isStoryField(state.field) ? state.field : null,
    typing: isStoryField(state.typing) ? state.typing : null,
    away: state.away === true,
  };
}

function decodeEntries(update: Uint8Array): Entry[] {
  try {
    const decoder = decoding.createDecoder(update);
    const count = decoding.readVarUint(decoder);
    if (count > 64) throw new Error('too many states');
    const entries: Entry[] = [];
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(decoder);
      const clock = decoding.readVarUint(decoder);
      const state = JSON.parse(decoding.readVarString(decoder)) as unknown;
      if (state !== null && (typeof state !== 'object' || Array.isArray(state))) throw new Error('state is not an object');
      entries.push({ clientId, clock, state: state as GalleyAwarenessState | null });
    }
    if (decoding.hasContent(decoder)) throw new Error('trailing bytes');
    return entries;
  } catch (error) {
    throw new GalleyError('bad_request', `Malformed awareness update: ${(error as Error).message}`);
  }
}

function encodeEntries(entries: Entry[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const { clientId, clock, state } of entries) {
    encoding.writeVarUint(encoder, clientId);
    encoding.writeVarUint(encoder, clock);
    encoding.writeVarString(encoder, JSON.stringify(state));
  }
  return encoding.toUint8Array(encoder);
}
