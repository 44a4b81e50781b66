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
    if (!connection.awarenessClients.has(clientId) && ownedByAnother(document, connection, clientId)) {
      throw new GalleyError('forbidden', `Awareness client ${clientId} belongs to another connection`);
    }
  }
  for (const entry of entries) {
    connection.awarenessClients.add(entry.clientId);
    if (entry.state) entry.state = withAuthenticatedUser(entry.state, connection);
  }
  return encodeEntries(entries);
}

function ownedByAnother(document: StoryDocument, connection: Connection, clientId: number): boolean {
  for (const other of document.connections.values()) {
    if (other !== connection && other.awarenessClients.has(clientId)) return true;
  }
  return false;
}

function withAuthenticatedUser(state: GalleyAwarenessState, { user }: Connection): GalleyAwarenessState {
  return {
    ...state,
    user: { id: user.id, name: user.name, color: user.color },
    field: isStoryField(state.field) ? state.field : null,
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
