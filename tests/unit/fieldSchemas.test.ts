/**
 * Each field's editor schema is the contract with the publisher: what an editor can write is what
 * server/publishing/storyContent.ts is built to read. The schemas are pinned here, so adding, dropping or
 * renaming a node, mark or attribute in a field's extensions fails until the publisher is looked at too.
 */
import { getSchema } from '@tiptap/core';
import type { Schema } from '@tiptap/pm/model';
import { prosemirrorToYXmlFragment } from '@tiptap/y-tiptap';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { fieldExtensions } from '../../client/lib/editor/fields';
import { storyContent } from '../../server/publishing/storyContent';
import type { ContentNode } from '../../shared/api';
import { STORY_FIELDS, type StoryField } from '../../shared/story';
import { SUGGESTION_MARKS } from '../../shared/suggestions';

const schemaOf = (field: StoryField): Schema => getSchema(fieldExtensions(field, { onEnter: () => {} }));

/** Node names with their content and attributes, mark names with their attributes, in schema order. */
function shape(schema: Schema) {
  return {
    nodes: Object.values(schema.nodes).map((type) => [type.name, type.spec.content ?? null, Object.keys(type.spec.attrs ?? {})]),
    marks: Object.values(schema.marks).map((type) => [type.name, Object.keys(type.spec.attrs ?? {})]),
  };
}

const SUGGESTION_MARK_SHAPES = [
  ['insertion', ['id', 'by']],
  ['deletion', ['id', 'by']],
  ['modification', ['id', 'by', 'type', 'attrName', 'previousValue', 'newValue']],
];

const ONE_PARAGRAPH_NODES = [
  ['paragraph', 'inline*', []],
  ['doc', 'paragraph', []],
  ['text', null, []],
];

/** Blocks that publish only with some attributes: a figure shows a picture once its upload is done. */
const BLOCK_ATTRS: Record<string, Record<string, unknown>> = {
  figure: { media: 'A'.repeat(22), width: 800, height: 600, alt: 'A quay' },
};

describe('field schemas', () => {
  it('keeps the headline and byline to one paragraph of plain text', () => {
    for (const field of ['headline', 'byline'] as const) {
      expect(shape(schemaOf(field))).toEqual({ nodes: ONE_PARAGRAPH_NODES, marks: SUGGESTION_MARK_SHAPES });
    }
  });

  it('gives the standfirst one paragraph with bold and italic', () => {
    expect(shape(schemaOf('standfirst'))).toEqual({
      nodes: ONE_PARAGRAPH_NODES,
      marks: [['bold', []], ['italic', []], ...SUGGESTION_MARK_SHAPES],
    });
  });

  it('gives the body headings, quotes, lists, pictures, line breaks, bold, italic and links, and nothing else', () => {
    expect(shape(schemaOf('body'))).toEqual({
      nodes: [
        ['paragraph', 'inline*', []],
        ['doc', 'block+', []],
        ['blockquote', 'block+', []],
        ['bulletList', 'listItem+', []],
        ['orderedList', 'listItem+', ['start', 'type']],
        ['listItem', 'paragraph block*', []],
        ['figure', null, ['media', 'width', 'height', 'alt', 'caption', 'credit', 'layout', 'upload', 'uploadBy']],
        ['hardBreak', null, []],
        ['heading', 'inline*', ['level']],
        ['text', null, []],
      ],
      marks: [['link', ['href', 'target', 'rel', 'class', 'title']], ['bold', []], ['italic', []], ...SUGGESTION_MARK_SHAPES],
    });
  });

  it('publishes every node and mark a field can hold', () => {
    const suggestionMarks = new Set<string>(Object.values(SUGGESTION_MARKS));
    for (const field of STORY_FIELDS) {
      const schema = schemaOf(field);
      const types = Object.values(schema.nodes);
      const marks = Object.values(schema.marks).filter((type) => !suggestionMarks.has(type.name));
      // Each mark on a run of text, every inline node, then every block the document allows, filled.
      const marked = marks.map((type) =>
        schema.text(type.name, [type.create(type.name === 'link' ? { href: 'https://example.com/' } : null)]),
      );
      const inline = types.filter((type) => type.isInline && !type.isText).map((type) => type.create());
      const paragraph = schema.nodes.paragraph.create(null, [schema.text('Text'), ...marked, ...inline]);
      const blocks = types.filter((type) => type.isBlock && type !== schema.topNodeType && schema.topNodeType.contentMatch.matchType(type));
      const doc = schema.topNodeType.create(null, [
        paragraph,
        ...blocks.filter((type) => type.name !== 'paragraph').map((type) => type.createAndFill(BLOCK_ATTRS[type.name] ?? null)!),
      ]);
      const ydoc = new Y.Doc();
      prosemirrorToYXmlFragment(doc, ydoc.getXmlFragment(field));

      const published = { nodes: new Set<string>(), marks: new Set<string>() };
      const walk = (node: ContentNode) => {
        published.nodes.add(node.type);
        node.marks?.forEach((mark) => published.marks.add(mark.type));
        node.content?.forEach(walk);
      };
      walk(storyContent(ydoc)[field]);

      expect([...published.nodes].sort(), field).toEqual(types.map((type) => type.name).sort());
      // Suggestion marks are read as suggestions, never published as marks.
      expect([...published.marks].sort(), field).toEqual(marks.map((type) => type.name).sort());
    }
  });
});
