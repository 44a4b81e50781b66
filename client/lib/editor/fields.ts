/**
 * The Tiptap extensions behind each story field. The field's schema is the
 * contract with the publisher (the allow-list in server/publishing/storyContent.ts),
 * so each field lists its extensions whole and allows only what the public
 * page renders for it.
 */
import { Extension, type AnyExtension } from '@tiptap/core';
import { Blockquote } from '@tiptap/extension-blockquote';
import { Bold } from '@tiptap/extension-bold';
import { Document } from '@tiptap/extension-document';
import { HardBreak } from '@tiptap/extension-hard-break';
import { Heading } from '@tiptap/extension-heading';
import { Italic } from '@tiptap/extension-italic';
import { Link } from '@tiptap/extension-link';
import { BulletList, ListItem, ListKeymap, OrderedList } from '@tiptap/extension-list';
import { Paragraph } from '@tiptap/extension-paragraph';
import { Text } from '@tiptap/extension-text';
import { Dropcursor, Placeholder } from '@tiptap/extensions';
import type { StoryField } from '../../../shared/story';
import { Figure, type FigureUploadState } from './figure';
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

/** A document of exactly one paragraph: headline, standfirst, byline. */
const OneParagraph = Document.extend({ content: 'paragraph', marks: BLOCK_SUGGESTIONS });

/** The body's containers of blocks, which may hold whole suggested blocks (see BLOCK_SUGGESTIONS). */
const BodyDocument = Document.extend({ marks: BLOCK_SUGGESTIONS });
const BodyBlockquote = Blockquote.extend({ marks: BLOCK_SUGGESTIONS });
const BodyBulletList = BulletList.extend({ marks: BLOCK_SUGGESTIONS });
const BodyOrderedList = OrderedList.extend({ marks: BLOCK_SUGGESTIONS });
const BodyListItem = ListItem.extend({ marks: BLOCK_SUGGESTIONS });

/**
 * The Body has section headings (h2) and subheadings (h3): the headline is the page's h1. Headings pasted
 * from Word, Google Docs or a web page stay headings at the nearest level (h1 → h2, h4–h6 → h3), and so
 * do Word's Title and Subtitle paragraphs, instead of becoming plain paragraphs.
 */
const BodyHeading = Heading.extend({
  parseHTML() {
    return [
      ...[1, 2, 3, 4, 5, 6].map((level) => ({ tag: `h${level}`, attrs: { level: level <= 2 ? 2 : 3 } })),
      { tag: 'p.MsoTitle', attrs: { level: 2 }, priority: 60 },
      { tag: 'p.MsoSubtitle', attrs: { level: 3 }, priority: 60 },
    ];
  },
});

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
  /** The Body's pictures being uploaded on this device (their progress shows on their placeholders). */
  uploads?: FigureUploadState | null;
};

/** Every field can carry suggestions (track changes). */
export function fieldExtensions(field: StoryField, options: FieldExtensionOptions): AnyExtension[] {
  return [...fieldSchema(field, options), ...SuggestionMarks];
}

/**
 * Each field's nodes, marks and editing aids, listed whole. Not in any field: ProseMirror's own undo
 * history (Collaboration brings Yjs-aware undo, which it would fight) and the trailing node (it appends
 * a paragraph on every change, which in a shared document means duplicate writes from every client, and
 * refused writes from viewers).
 */
function fieldSchema(field: StoryField, { onEnter, uploads = null }: FieldExtensionOptions): AnyExtension[] {
  const placeholder = Placeholder.configure({ placeholder: FIELD_SPECS[field].placeholder });
  switch (field) {
    case 'headline':
    case 'byline':
      return [OneParagraph, Paragraph, Text, EnterMovesOn.configure({ onEnter }), placeholder];
    case 'standfirst':
      return [OneParagraph, Bold, Italic, Paragraph, Text, EnterMovesOn.configure({ onEnter }), placeholder];
    case 'body':
      return [
        BodyDocument,
        BodyBlockquote,
        BodyBulletList,
        BodyOrderedList,
        BodyListItem,
        Bold,
        Dropcursor,
        Figure.configure({ uploads }),
        HardBreak,
        BodyHeading.configure({ levels: [2, 3] }),
        Italic,
        ListKeymap,
        Link.configure({
          autolink: true,
          openOnClick: false,
          linkOnPaste: true,
          defaultProtocol: 'https',
          protocols: ['mailto'],
          isAllowedUri: (url) => isAllowedLink(url),
          HTMLAttributes: { rel: 'noopener noreferrer nofollow', target: null },
        }),
        Paragraph,
        Text,
        placeholder,
      ];
  }
}
