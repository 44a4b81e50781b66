import type * as Y from 'yjs';
import { STORY_FIELDS } from '../../shared/story';
import type { StoryText } from '../persistence/StorySearchStore';
import { fragmentText } from '../publishing/storyContent';

/** The plain text of a story's four fields, as its document holds them now. */
export function storyText(doc: Y.Doc): StoryText {
  return Object.fromEntries(STORY_FIELDS.map((field) => [field, fragmentText(doc.getXmlFragment(field))])) as StoryText;
}
