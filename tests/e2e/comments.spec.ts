import type { Locator, Page } from '@playwright/test';
import { createUser, expect, expectSaved, field, type FieldName, signedInPage, test, twoEditorsOnANewStory } from './fixtures';
import type { EditorState } from '@tiptap/pm/state';

test.describe.configure({ timeout: 150_000 });

/**
 * Selects the first occurrence of `text` in a field, as a drag over it would (works in read-only fields
 * too), or with `caret`, puts the caret just before it.
 */
async function select(page: Page, name: FieldName, text: string, { caret = false } = {}): Promise<void> {
  // The editor reads the browser's selection asynchronously (selectionchange), and on focus puts back its own
  // a moment later: set it until the editor has it.
  await expect(async () => {
    await selectInDom(page, name, text, caret);
    expect(await editorSelection(page, name, caret ? text.length : 0)).toBe(caret ? `|${text}` : text);
  }).toPass();
}

function selectInDom(page: Page, name: FieldName, text: string, caret: boolean): Promise<void> {
  return field(page, name).evaluate(
    (element, [text, caret]) => {
      if ((element as HTMLElement).isContentEditable) (element as HTMLElement).focus();
      const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const at = node.textContent?.indexOf(text) ?? -1;
        if (at < 0) continue;
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, caret ? at : at + text.length);
        const selection = document.getSelection()!;
        selection.removeAllRanges();
        selection.addRange(range);
        return;
      }
      throw new Error(`“${text}” is not in the field`);
    },
    [text, caret] as const,
  );
}

/** The text the field's editor has selected, or with `after`, the caret ("|") and that many characters after it. */
const editorSelection = (page: Page, name: FieldName, after = 0) =>
  field(page, name).evaluate((element, after) => {
    // Tiptap keeps the editor on its element.
    const { state } = (element as HTMLElement & { editor: { state: EditorState } }).editor;
    const { from, to, empty } = state.selection;
    if (after === 0) return state.doc.textBetween(from, to);
    return empty ? `|${state.doc.textBetween(from, Math.min(from + after, state.doc.content.size))}` : '';
  }, after);

/** The text a field shows highlighted for comments (a caret widget may split a highlight in two). */
const highlighted = async (page: Page, name: FieldName) =>
  (await field(page, name).locator('.comment-highlight').allTextContents()).join('|');

const panel = (page: Page) => page.getByRole('complementary', { name: 'Comments' });
const openThreads = (page: Page) => panel(page).getByRole('region', { name: 'Open' }).getByRole('article');
const resolvedThreads = (page: Page) => panel(page).getByRole('region', { name: 'Resolved' }).getByRole('article');
const thread = (page: Page, quote: string): Locator => panel(page).getByRole('article', { name: `“${quote}”` });
const commentButton = (page: Page) => page.getByRole('button', { name: 'Comment', exact: true });

async function comment(page: Page, name: FieldName, text: string, body: string): Promise<void> {
  await select(page, name, text);
  await expect(commentButton(page)).toBeEnabled();
  await commentButton(page).click();
  await panel(page).getByRole('textbox', { name: 'Comment' }).fill(body);
  await panel(page).getByRole('button', { name: 'Post comment' }).click();
}

async function openPanel(page: Page): Promise<void> {
  if (await panel(page).isVisible()) return;
  await page.getByRole('button', { name: /^Comments/ }).click();
  await expect(panel(page)).toBeVisible();
}

test('threads are started on selected text, followed live by everyone, replied to, edited, resolved and detached', async ({
  browser,
  server,
}) => {
  const { ana, ben } = await twoEditorsOnANewStory(browser, server);
  await field(ana, 'Body').click();
  await ana.keyboard.type('Council meets on Monday to vote on the harbour budget.');
  await expect(field(ben, 'Body')).toHaveText('Council meets on Monday to vote on the harbour budget.');
  await expectSaved(ana);

  // Nothing selected: nothing to comment on.
  await expect(commentButton(ana)).toBeDisabled();

  // Ana comments on “harbour” and mentions Ben, picked from the list offered after "@".
  await select(ana, 'Body', 'harbour');
  await commentButton(ana).click();
  const box = panel(ana).getByRole('textbox', { name: 'Comment' });
  await expect(box).toBeFocused();
  await box.pressSequentially('Which harbour? @Be');
  const people = panel(ana).getByRole('listbox', { name: 'People to mention' });
  await expect(people.getByRole('option')).toHaveText(['Ben Editor']);
  await ana.keyboard.press('Enter');
  await expect(people).toHaveCount(0);
  await box.pressSequentially('please check');
  await expect(box).toHaveValue('Which harbour? @Ben Editor please check');
  await panel(ana).getByRole('button', { name: 'Post comment' }).click();
  await expect(openThreads(ana)).toHaveCount(1);
  await expect(thread(ana, 'harbour')).toContainText('Which harbour? @Ben Editor please check');
  await expect(thread(ana, 'harbour')).not.toContainText('Not sent yet');
  await expect.poll(() => highlighted(ana, 'Body')).toBe('harbour');

  // Ben sees the highlight and the count live; clicking the highlight opens the thread.
  await expect.poll(() => highlighted(ben, 'Body')).toBe('harbour');
  await expect(ben.getByRole('button', { name: 'Comments 1' })).toBeVisible();
  await field(ben, 'Body').locator('.comment-highlight').first().click();
  await expect(thread(ben, 'harbour')).toBeVisible();
  await expect(thread(ben, 'harbour').locator('.comment-mention')).toHaveText('@Ben Editor');
  await expect(field(ben, 'Body').locator('.comment-highlight--active')).toHaveCount(1);
  await thread(ben, 'harbour').getByRole('button', { name: 'Reply' }).click();
  await thread(ben, 'harbour').getByRole('textbox', { name: 'Reply' }).fill('The old one, by the ferry.');
  await thread(ben, 'harbour').getByRole('button', { name: 'Post reply' }).click();
  await expect(thread(ana, 'harbour')).toContainText('The old one, by the ferry.');
  // Only one's own messages can be edited or deleted.
  await expect(thread(ana, 'harbour').getByRole('button', { name: 'Edit' })).toHaveCount(1);

  // A viewer reads and writes comments, but may not resolve.
  const vic = await signedInPage(browser, server, await createUser(server, 'viewer', 'Vic Viewer'));
  await vic.goto(ana.url());
  await expect(field(vic, 'Body')).toHaveText('Council meets on Monday to vote on the harbour budget.', { timeout: 20_000 });
  await expect.poll(() => highlighted(vic, 'Body')).toBe('harbour');
  await openPanel(vic);
  await expect(thread(vic, 'harbour')).toContainText('The old one, by the ferry.');
  await expect(panel(vic).getByRole('button', { name: 'Resolve' })).toHaveCount(0);
  await comment(vic, 'Body', 'Monday', 'Which Monday?');
  await expect(thread(ana, 'Monday')).toContainText('Vic Viewer');
  await expect(thread(ben, 'Monday')).toContainText('Which Monday?');
  await expect(ben.getByRole('button', { name: 'Comments 2' })).toBeVisible();
  await expect.poll(() => highlighted(ben, 'Body')).toBe('Monday|harbour');

  // Ana edits her comment, then deletes it: Ben's reply stays.
  await thread(ana, 'harbour').getByRole('button', { name: 'Edit' }).click();
  await thread(ana, 'harbour').getByRole('textbox', { name: 'Edit comment' }).fill('Which harbour exactly?');
  await thread(ana, 'harbour').getByRole('button', { name: 'Save' }).click();
  await expect(thread(ben, 'harbour')).toContainText('Which harbour exactly?');
  await expect(thread(ben, 'harbour')).toContainText('(edited)');
  await thread(ana, 'harbour').getByRole('button', { name: 'Delete' }).click();
  await expect(thread(ben, 'harbour')).not.toContainText('Which harbour exactly?');
  await expect(thread(ben, 'harbour')).toContainText('The old one, by the ferry.');

  // Ben resolves: the thread moves to Resolved for everyone and its highlight goes; then he reopens it.
  await thread(ben, 'harbour').getByRole('button', { name: 'Resolve' }).click();
  await openPanel(ana);
  await expect(resolvedThreads(ana)).toHaveCount(1);
  await expect(resolvedThreads(ana)).toContainText('Resolved by Ben Editor');
  await expect(openThreads(ana)).toHaveCount(1);
  await expect.poll(() => highlighted(ana, 'Body')).toBe('Monday');
  await expect(ana.getByRole('button', { name: 'Comments 1' })).toBeVisible();
  await thread(ben, 'harbour').getByRole('button', { name: 'Reopen' }).click();
  await expect(openThreads(ana)).toHaveCount(2);
  await expect.poll(() => highlighted(ana, 'Body')).toBe('Monday|harbour');

  // Text typed before the commented words by someone else: the highlights stay on the same words.
  await select(ben, 'Body', 'Council', { caret: true });
  await ben.keyboard.type('Breaking: the ');
  await expect(field(ana, 'Body')).toHaveText('Breaking: the Council meets on Monday to vote on the harbour budget.');
  await expect.poll(() => highlighted(ana, 'Body')).toBe('Monday|harbour');
  await expect.poll(() => highlighted(vic, 'Body')).toBe('Monday|harbour');

  // Clicking a thread selects its text in the field.
  await thread(ana, 'harbour').getByRole('button', { name: '“harbour”' }).click();
  await expect.poll(() => ana.evaluate(() => document.getSelection()?.toString())).toBe('harbour');

  // Deleting the commented text detaches the thread: no highlight, still listed with its quote.
  await select(ana, 'Body', 'Monday');
  await ana.keyboard.press('Backspace');
  await expect(field(ben, 'Body')).toHaveText('Breaking: the Council meets on to vote on the harbour budget.');
  for (const page of [ana, ben, vic]) {
    await expect(thread(page, 'Monday')).toContainText('Detached');
    await expect(thread(page, 'Monday')).toContainText('Which Monday?');
    await expect.poll(() => highlighted(page, 'Body')).toBe('harbour');
  }
  await expect(thread(ana, 'harbour')).not.toContainText('Detached');

  // Ana's mention of Ben went with her message. Vic mentions Ana in a reply: the newsroom list counts the
  // open threads for everyone, and tells Ana, and only her, that one mentions her.
  await thread(vic, 'Monday').getByRole('button', { name: 'Reply' }).click();
  const reply = thread(vic, 'Monday').getByRole('textbox', { name: 'Reply' });
  await reply.pressSequentially('@An');
  await expect(thread(vic, 'Monday').getByRole('listbox', { name: 'People to mention' }).getByRole('option')).toHaveText(['Ana Writer']);
  await vic.keyboard.press('Enter');
  await reply.pressSequentially('can you check the date?');
  await thread(vic, 'Monday').getByRole('button', { name: 'Post reply' }).click();
  await expect(thread(ana, 'Monday')).toContainText('can you check the date?');
  for (const page of [ana, ben, vic]) await page.getByRole('link', { name: /Newsroom/ }).click();
  await expect(ana.getByText('Mentions you')).toBeVisible();
  for (const page of [ana, ben, vic]) await expect(page.getByText('2 open comments')).toBeVisible();
  for (const page of [ben, vic]) await expect(page.getByText('Mentions you')).toHaveCount(0);
});

test('comments and suggestions made offline show as not sent and reach the others when the connection is back', async ({
  browser,
  server,
}) => {
  const { ana, ben } = await twoEditorsOnANewStory(browser, server);
  await field(ana, 'Body').click();
  await ana.keyboard.type('Talks ran late.');
  await field(ana, 'Headline').click();
  await ana.keyboard.type('Ferry strike ends');
  await expect(field(ben, 'Headline')).toHaveText('Ferry strike ends');
  await expectSaved(ana);

  await ana.context().setOffline(true);
  await expect(ana.getByRole('status').filter({ hasText: /Offline|Reconnecting/ })).toBeVisible();
  // Text typed offline, then commented on: the comment must wait for that text to reach the server.
  await ana.keyboard.press('End');
  await ana.keyboard.type(' tonight');
  await comment(ana, 'Headline', 'tonight', 'Is this confirmed?');
  await expect(thread(ana, 'tonight')).toContainText('Not sent yet');
  await expect(ana.getByRole('button', { name: 'Comments 1' })).toBeVisible();
  await thread(ana, 'tonight').getByRole('button', { name: 'Reply' }).click();
  await thread(ana, 'tonight').getByRole('textbox', { name: 'Reply' }).fill('Asking the union.');
  await thread(ana, 'tonight').getByRole('button', { name: 'Post reply' }).click();
  await expect(thread(ana, 'tonight').getByText('Not sent yet')).toHaveCount(2);
  // Still offline, Ana suggests in the body: "late." struck through, "into the night." added.
  await ana.getByRole('button', { name: 'Suggesting' }).click();
  await field(ana, 'Body').click();
  await ana.keyboard.press('End');
  for (let i = 0; i < 'late.'.length; i++) await ana.keyboard.press('Backspace');
  await ana.keyboard.type('into the night.');
  await expect(field(ana, 'Body').locator('del .suggestion--deletion')).toHaveText('late.');

  // Ben has none of it.
  await openPanel(ben);
  await expect(panel(ben).getByRole('article')).toHaveCount(0);
  await expect(field(ben, 'Body')).toHaveText('Talks ran late.');

  // Back online: the text goes first, then the thread and its reply, in order.
  await ana.context().setOffline(false);
  await expect(thread(ben, 'tonight')).toContainText('Is this confirmed?');
  await expect(thread(ben, 'tonight')).toContainText('Asking the union.');
  await expect(field(ben, 'Headline')).toHaveText('Ferry strike ends tonight');
  await expect.poll(() => highlighted(ben, 'Headline')).toBe('tonight');
  await expect(thread(ana, 'tonight').getByText('Not sent yet')).toHaveCount(0);
  // Sent exactly once.
  await expect(thread(ben, 'tonight').locator('.comment-message')).toHaveCount(2);
  await expect(ana.getByRole('alert')).toHaveCount(0);
  // The suggestions arrive as suggestions, and Ben decides them.
  await expect(field(ben, 'Body').locator('del .suggestion--deletion')).toHaveText('late.');
  await expect(field(ben, 'Body').locator('ins .suggestion--insertion')).toHaveText('into the night.');
  await ben.getByRole('button', { name: 'Accept all' }).click();
  await expect(field(ana, 'Body')).toHaveText('Talks ran into the night.');
  await expect(field(ben, 'Body').locator('ins, del')).toHaveCount(0);
});
