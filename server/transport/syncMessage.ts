import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { GalleyError } from '../../shared/errors';
import type { Connection, StoryDocument } from '../documents/StoryDocument';

/**
 * Handles one y-protocols sync message from a client. Returns the reply to
 * send back (a step 2 for a step 1), or null. Resolves only once an update is
 * committed to storage, so the caller's ack means "saved".
 */
export async function handleSyncMessage(
  document: StoryDocument,
  connection: Connection,
  message: Uint8Array,
  canEdit: boolean,
): Promise<Uint8Array | null> {
  const { type, payload } = decodeSyncMessage(message);
  switch (type) {
    case syncProtocol.messageYjsSyncStep1:
      return encodeStep2(document.doc, payload);
    case syncProtocol.messageYjsSyncStep2:
    case syncProtocol.messageYjsUpdate:
      if (!canEdit) throw new GalleyError('forbidden', 'Your role may read this story but not edit it');
      await document.applyClientUpdate(payload, connection, type === syncProtocol.messageYjsSyncStep2);
      return null;
    default:
      throw new GalleyError('bad_request', `Unknown sync message type ${type}`);
  }
}

function decodeSyncMessage(message: Uint8Array): { type: number; payload: Uint8Array } {
  try {
    const decoder = decoding.createDecoder(message);
    const type = decoding.readVarUint(decoder);
    const payload = decoding.readVarUint8Array(decoder);
    if (decoding.hasContent(decoder)) throw new Error('trailing bytes');
    return { type, payload: new Uint8Array(payload) };
  } catch (error) {
    throw new GalleyError('bad_request', `Malformed sync message: ${(error as Error).message}`);
  }
}

/** The update a client with the given state vector lacks. */
export function encodeMissing(doc: Y.Doc, stateVector: Uint8Array): Uint8Array {
  try {
    return Y.encodeStateAsUpdate(doc, stateVector);
  } catch {
    throw new GalleyError('bad_request', 'Malformed state vector');
  }
}

function encodeStep2(doc: Y.Doc, stateVector: Uint8Array): Uint8Array {
  const update = encodeMissing(doc, stateVector);
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep2);
  encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}

/** Wraps a document update for fan-out to other clients. */
export function encodeUpdateMessage(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  syncProtocol.writeUpdate(encoder, update);
  return encoding.toUint8Array(encoder);
}

export function encodeStep1(doc: Y.Doc): Uint8Array {
  const encoder = encoding.createEncoder();
  syncProtocol.writeSyncStep1(encoder, doc);
  return encoding.toUint8Array(encoder);
}
