/**
 * Issue 18, the newsroom's board: a column per workflow status, kept live. An editor has the board open;
 * a writer, in another browser, submits a story for review, and its card moves from Draft to In review
 * without a reload.
 */
import AxeBuilder from '@axe-core/playwright';
import { createUser, expect, field, signedInPage, test } from './fixtures';

test('a story submitted for review moves from Draft to In review on an editor’s open board, live', async ({ browser, server }) => {
  const writer = await signedInPage(browser, server, await createUser(server, 'writer', 'Wanda Writer'));
  const editor = await signedInPage(browser, server, await createUser(server, 'editor', 'Eddie Editor'));

  await writer.getByRole('button', { name: 'New story' }).click();
  await expect(field(writer, 'Headline')).toBeEditable({ timeout: 20_000 });
  await field(writer, 'Headline').fill('Ferry timetable shake-up');

  // The editor switches the newsroom to the board: kept in the address.
  await editor.getByRole('button', { name: 'Board' }).click();
  await expect(editor).toHaveURL(/view=board/);
  await expect(editor.getByRole('button', { name: 'Board' })).toHaveAttribute('aria-pressed', 'true');
  const column = (name: string) => editor.getByRole('region', { name: new RegExp(`^${name}\\b`) });
  const card = (name: string) => column(name).getByRole('listitem').filter({ hasText: 'Ferry timetable shake-up' });
  await expect(card('Draft')).toBeVisible({ timeout: 15_000 });
  await expect(card('In review')).toHaveCount(0);
  expect((await new AxeBuilder({ page: editor }).analyze()).violations).toEqual([]);

  // The writer submits; the card moves on the editor's board.
  await writer.getByRole('button', { name: 'Submit for review' }).click();
  await expect(card('In review')).toBeVisible({ timeout: 15_000 });
  await expect(card('Draft')).toHaveCount(0);

  // The filters apply to the board too, and a reload keeps both.
  await editor.getByLabel('Status').selectOption('draft');
  await expect(editor).toHaveURL(/status=draft/);
  await expect(editor).toHaveURL(/view=board/);
  await expect(editor.getByText('No stories match.')).toBeVisible();
  await editor.getByLabel('Status').selectOption('');
  await editor.reload();
  await expect(card('In review')).toBeVisible();

  // At phone width the columns stack, under their headings, and nothing runs off the side.
  await editor.setViewportSize({ width: 390, height: 844 });
  await expect(editor.getByRole('heading', { name: /^Published/ })).toBeVisible();
  expect(await editor.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  expect((await new AxeBuilder({ page: editor }).analyze()).violations).toEqual([]);
});
