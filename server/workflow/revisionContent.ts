import * as Y from 'yjs';
import type { StoryContent } from '../../shared/api';
import type { RevisionRecord } from '../persistence/Store';
import { storyContent } from '../publishing/storyContent';

/** The structured content a revision was published with; revisions stored before it was kept rebuild it from their Yjs state. */
export function revisionContent(revision: RevisionRecord): StoryContent {
  if (revision.content) return JSON.parse(revision.content) as StoryContent;
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, revision.docState);
    return storyContent(doc);
  } finally {
    doc.destroy();
  }
}
