/**
 * The Tiptap extensions behind each story field. The field's schema is the
 * contract with the publisher (server/publishing/renderStory.ts), so each
 * field allows only what the public page renders for it.
 */
import { Extension, type AnyExtension } from '@tiptap/core';
import Blockquote from '@tiptap/extension-blockquote';
import Document from '@tiptap/extension-document';
import { BulletList, ListItem, OrderedList } from '@tiptap/extension-list';
import { Placeholder } from '@tiptap/extensions';
import StarterKit, { type StarterKitOptions } from '@tiptap/starter-kit';
import type { StoryField } from '../../../shared/story';
import { isAllowedLink } from './links';
import { BLOCK_SUGGESTIONS, SuggestionMarks } from './suggestionMarks';

export type FieldSpec = {
  /** aria-multiline: only Standfirst and Body wrap into several lines of prose. */
  multiline: boolean;
  placeholder: string;
};

export const FIELD_SPECS: Record<StoryField, FieldSpec> = {
  headline: { multiline: false, placeholder: 'Write a headline' },
  standfirst: { multiline: true, placeholder: 'Sum the story up in a sentence or two' },
  byline: { multiline: false, placeholder: 'By …' },
  body: { multiline: true, placeholder: 'Write the story' },
};

/** Everything StarterKit brings, switched off; each field turns on what it needs. */
const NOTHING: Partial<StarterKitOptions> = {
  blockquote: false,
  bold: false,
  bulletList: false,
  code: false,
  codeBlock: false,
  document: false,
  dropcursor: false,
  gapcursor: false,
  hardBreak: false,
  heading: false,
  horizontalRule: false,
  italic: false,
  link: false,
  listItem: false,
  listKeymap: false,
  orderedList: false,
  strike: false,
  underline: false,
  // Collaboration brings Yjs-aware undo; ProseMirror's own history would fight it.
  undoRedo: false,
  // It appends a paragraph on every change, which in a shared document means
  // duplicate writes from every client (and refused writes from viewers).
  trailingNode: false,
};

/** A document of exactly one paragraph: headline, standfirst, byline. */
const OneParagraph = Document.extend({ content: 'paragraph', marks: BLOCK_SUGGESTIONS });

/** The body's containers of blocks, which may hold whole suggested blocks (see BLOCK_SUGGESTIONS). */
const BodyDocument = Document.extend({ marks: BLOCK_SUGGESTIONS });
const BodyBlockquote = Blockquote.extend({ marks: BLOCK_SUGGESTIONS });
const BodyBulletList = BulletList.extend({ marks: BLOCK_SUGGESTIONS });
const BodyOrderedList = OrderedList.extend({ marks: BLOCK_SUGGESTIONS });
const BodyListItem = ListItem.extend({ marks: BLOCK_SUGGESTIONS });

/** Enter leaves a one-paragraph field for the next one instead of splitting it. */
const EnterMovesOn = Extension.create<{ onEnter: () => void }>({
  name: 'enterMovesOn',
  addOptions() {
    return { onEnter: () => {} };
  },
  addKeyboardShortcuts() {
    const moveOn = () => {
      this.options.onEnter();
      return true;
    };
    return { Enter: moveOn, 'Shift-Enter': moveOn, 'Mod-Enter': moveOn };
  },
});

export type FieldExtensionOptions = {
  /** Called when Enter is pressed in a one-paragraph field. */
  onEnter: () => void;
};

/** Every field can carry suggestions (track changes). */
export function fieldExtensions(field: StoryField, options: FieldExtensionOptions): AnyExtension[] {
  return [...fieldSchema(field, options), ...SuggestionMarks];
}

function fieldSchema(field: StoryField, { onEnter }: FieldExtensionOptions): AnyExtension[] {
  const placeholder = Placeholder.configure({ placeholder: FIELD_SPECS[field].placeholder });
  switch (field) {
    case 'headline':
    case 'byline':
      return [OneParagraph, StarterKit.configure(NOTHING), EnterMovesOn.configure({ onEnter }), placeholder];
    case 'standfirst':
      return [OneParagraph, StarterKit.configure({ ...NOTHING, bold: {}, italic: {} }), EnterMovesOn.configure({ onEnter }), placeholder];
    case 'body':
      return [
        BodyDocument,
        BodyBlockquote,
        BodyBulletList,
        BodyOrderedList,
        BodyListItem,
        StarterKit.configure({
          ...NOTHING,
          bold: {},
          dropcursor: {},
          hardBreak: {},
          heading: { levels: [2, 3] },
          italic: {},
          link: {
            autolink: true,
            openOnClick: false,
            linkOnPaste: true,
            defaultProtocol: 'https',
            protocols: ['mailto'],
            isAllowedUri: (url) => isAllowedLink(url),
            HTMLAttributes: { rel: 'noopener noreferrer nofollow', target: null },
          },
          listKeymap: {},
        }),
        placeholder,
      ];
  }
}
