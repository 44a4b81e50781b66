import { encodeAwarenessUpdate } from 'y-protocols/awareness';
import { AwarenessBatch } from './AwarenessBatch';
import type { StoryDocument } from './StoryDocument';
import type { Logger } from '../logger';
import type { DocumentRelay, RelayListener } from '../cluster/DocumentRelay';

/**
 * Joins a document to the relay: subscribes (call before loading it from
 * storage, see DocumentRelay), then publishes what this process commits and
 * what its own clients announce. `catchUp` reads the story from storage again,
 * for when the relay alone may have missed something. Resolves to the unsubscribe.
 */
export async function relayDocument(
  document: StoryDocument,
  relay: DocumentRelay,
  log: Logger,
  catchUp: () => void,
): Promise<() => Promise<void>> {
  const { storyId } = document;
  const unsubscribe = await relay.subscribe(storyId, received(document, log, catchUp));
  document.on('committed', (update) => relay.publish(storyId, 'update', update));
  // Once per turn, like the transports' fan-out: caret moves are most of what crosses between nodes.
  const awareness = new AwarenessBatch(
    (clients) => relay.publish(storyId, 'awareness', encodeAwarenessUpdate(document.awareness, clients)),
    (error) => log.error({ err: error, storyId }, 'relaying awareness failed'),
  );
  document.on('awareness', (clients, origin) => {
    // Only news from this process's own connections: relayed and timed-out states are everyone's already.
    if (origin) awareness.add(clients, origin);
  });
  return unsubscribe;
}

function received(document: StoryDocument, log: Logger, catchUp: () => void): RelayListener {
  return (kind, payload) => {
    try {
      if (kind === 'catch-up') return catchUp();
      if (kind === 'awareness') return document.applyRemoteAwareness(payload);
      document.applyRemoteUpdate(payload);
      // It depends on an update this copy never got (its process died before relaying it): storage has it.
      if (document.missingUpdates) catchUp();
    } catch (error) {
      log.error({ err: error, storyId: document.storyId, kind }, 'could not apply a relayed message');
    }
  };
}
