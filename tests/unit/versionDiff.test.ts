import { describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { revisionDiff } from '../../server/publishing/revisionDiff';
import { storyContent } from '../../server/publishing/storyContent';
import { docWith, p } from '../helpers/yjsBuilders';

/** Two versions as they are stored: the structured content of the story's Y.Doc at two moments. */
function versions(edit: (doc: Y.Doc) => void) {
  const doc = docWith({ headline: [p(['Tram line'])], body: [p(['The quick brown fox jumps.']), p(['Second paragraph.'])] });
  const before = storyContent(doc);
  edit(doc);
  return { before, after: storyContent(doc) };
}
const bodyText = (doc: Y.Doc, index: number) => (doc.getXmlFragment('body').get(index) as Y.XmlElement).get(0) as Y.XmlText;
const field = (diff: ReturnType<typeof revisionDiff>, name: string) => diff.find((f) => f.field === name)!;

describe('comparing two versions', () => {
  it('marks words two people changed in the same paragraph, and leaves untouched fields unchanged', () => {
    const { before, after } = versions((doc) => {
      bodyText(doc, 0).delete(4, 6); // one person removes "quick "
      bodyText(doc, 0).insert(0, 'Look: '); // another adds at the start
    });
    const diff = revisionDiff(before, after);
    expect(field(diff, 'headline').changed).toBe(false);
    expect(field(diff, 'body')).toMatchObject({ changed: true });
    expect(field(diff, 'body').html).toBe(
      '<p class="diff-changed"><ins>Look: </ins>The <del>quick </del>brown fox jumps.</p><p>Second paragraph.</p>',
    );
  });

  it('reads the other way round when the older version is second', () => {
    const { before, after } = versions((doc) => bodyText(doc, 1).insert(bodyText(doc, 1).length, ' More.'));
    expect(field(revisionDiff(after, before), 'body').html).toContain('Second paragraph.<del> More.</del>');
  });

  it('shows a paragraph deleted between versions whole, and nothing changed between equal versions', () => {
    const { before, after } = versions((doc) => doc.getXmlFragment('body').delete(1, 1));
    expect(field(revisionDiff(before, after), 'body').html).toBe(
      '<p>The quick brown fox jumps.</p><p class="diff-removed"><del>Second paragraph.</del></p>',
    );
    expect(revisionDiff(after, after).every((f) => !f.changed)).toBe(true);
  });
});
