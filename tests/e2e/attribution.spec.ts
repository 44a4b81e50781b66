import type { Page } from '@playwright/test';
import { createUser, expect, expectSaved, field, type FieldName, signedInPage, test, twoEditorsOnANewStory } from './fixtures';

/** The text a field shows as written by one person (a caret widget may split a run into several spans). */
const written = async (page: Page, name: FieldName, author: string) =>
  (await field(page, name).locator(`.attribution[data-author="${author}"]`).allTextContents()).join('');

test('“Who wrote this?” colours each person’s text with a legend, for anyone who may read the story', async ({ browser, server }) => {
  const { ana, ben } = await twoEditorsOnANewStory(browser, server);
  const vic = await signedInPage(browser, server, await createUser(server, 'viewer', 'Vic Viewer'));

  await field(ana, 'Headline').click();
  await ana.keyboard.type('Harbour ferry');
  await expect(field(ben, 'Headline')).toHaveText('Harbour ferry');
  await field(ben, 'Headline').click();
  await ben.keyboard.press('End');
  await ben.keyboard.type(' strike ends');
  await field(ben, 'Body').click();
  await ben.keyboard.type('Crews return on Monday.');
  await expect(field(ana, 'Body')).toHaveText('Crews return on Monday.');
  await expectSaved(ana);
  await expectSaved(ben);

  // A viewer turns the view on: each run of text says who wrote it, and the legend lists both.
  await vic.goto(ana.url());
  await expect(field(vic, 'Body')).toHaveText('Crews return on Monday.', { timeout: 20_000 });
  const toggle = vic.getByRole('button', { name: 'Who wrote this?' });
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await expect(vic.locator('.attribution')).toHaveCount(0);
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  const byAuthor = (name: string) => vic.locator(`.attribution[data-author="${name}"]`);
  await expect.poll(() => written(vic, 'Headline', 'Ana Writer')).toBe('Harbour ferry');
  await expect.poll(() => written(vic, 'Headline', 'Ben Editor')).toBe(' strike ends');
  await expect.poll(() => written(vic, 'Body', 'Ben Editor')).toBe('Crews return on Monday.');
  // Each run names its author on hover, and two authors never share a colour.
  await expect(byAuthor('Ana Writer').first()).toHaveAttribute('title', 'Ana Writer');
  await expect(byAuthor('Ben Editor').first()).toHaveAttribute('title', 'Ben Editor');
  const shadow = (name: string) =>
    byAuthor(name)
      .first()
      .evaluate((el) => getComputedStyle(el).boxShadow);
  expect(await shadow('Ana Writer')).not.toBe(await shadow('Ben Editor'));
  const legend = vic.getByRole('region', { name: 'Who wrote this story' });
  await expect(legend.getByRole('listitem')).toHaveText(['Ana Writer', 'Ben Editor']);

  // Live: new text is coloured as it arrives.
  await field(ana, 'Body').click();
  await ana.keyboard.press('End');
  await ana.keyboard.type(' Fares stay the same.');
  await expect.poll(() => written(vic, 'Body', 'Ana Writer')).toBe(' Fares stay the same.');

  // Off again: the text is plain.
  await toggle.click();
  await expect(byAuthor('Ana Writer')).toHaveCount(0);
  await expect(legend).toHaveCount(0);
});

test('text brought back by a restore or by Ctrl+Z is still its first author’s', async ({ browser, server }) => {
  const { ana, ben } = await twoEditorsOnANewStory(browser, server);
  // Ben (the editor) writes a sentence; Ana (the writer) saves a version of it.
  await field(ben, 'Body').click();
  await ben.keyboard.type('The ferry sails at dawn.');
  await expect(field(ana, 'Body')).toHaveText('The ferry sails at dawn.');
  await expectSaved(ben);
  await ana.getByRole('button', { name: 'History' }).click();
  const history = ana.getByRole('region', { name: 'History' });
  await history.getByLabel('Version name').fill('Ben’s sentence');
  await history.getByRole('button', { name: 'Save version' }).click();
  await expect(history.getByRole('heading', { name: /Revision 1/ })).toContainText('Ben’s sentence');

  // Ana deletes it and writes her own; then restores the version: Ben's sentence comes back, written again by her editor.
  await field(ana, 'Body').click();
  await ana.keyboard.press('ControlOrMeta+a');
  await ana.keyboard.press('Backspace');
  await ana.keyboard.type('Ana rewrote it.');
  await expect(field(ben, 'Body')).toHaveText('Ana rewrote it.');
  await expectSaved(ana);
  await history.getByRole('button', { name: 'Restore this version' }).click();
  const confirm = ana.getByRole('dialog', { name: 'Restore revision 1?' });
  await confirm.getByRole('button', { name: 'Restore' }).click();
  await expect(field(ben, 'Body')).toHaveText('The ferry sails at dawn.');

  // "Who wrote this?": the sentence is Ben's, for Ana and for Ben, and the legend names only him.
  for (const page of [ana, ben]) {
    await page.getByRole('button', { name: 'Who wrote this?' }).click();
    await expect.poll(() => written(page, 'Body', 'Ben Editor')).toBe('The ferry sails at dawn.');
    await expect(page.locator('.attribution[data-author="Ben Editor"]').first()).toHaveAttribute('title', 'Ben Editor');
    await expect(page.locator('.attribution[data-author="Ana Writer"]')).toHaveCount(0);
    await expect(page.getByRole('region', { name: 'Who wrote this story' }).getByRole('listitem')).toHaveText(['Ben Editor']);
  }

  // Ana deletes the sentence's last word and takes it back with Ctrl+Z: still Ben's.
  await field(ana, 'Body').click();
  await ana.keyboard.press('ControlOrMeta+End');
  for (let i = 0; i < ' dawn.'.length; i++) await ana.keyboard.press('Backspace');
  await expect(field(ben, 'Body')).toHaveText('The ferry sails at');
  // One Ctrl+Z, or one per pause a busy machine put between the Backspaces (tests/e2e/undo.spec.ts counts them).
  for (let presses = 1; (await field(ana, 'Body').textContent()) !== 'The ferry sails at dawn.'; presses++) {
    expect(presses, 'Ctrl+Z presses').toBeLessThanOrEqual(' dawn.'.length);
    const before = await field(ana, 'Body').textContent();
    await ana.keyboard.press('ControlOrMeta+z');
    await expect(field(ana, 'Body')).not.toHaveText(before ?? '');
  }
  await expect(field(ben, 'Body')).toHaveText('The ferry sails at dawn.');
  for (const page of [ana, ben]) {
    await expect.poll(() => written(page, 'Body', 'Ben Editor')).toBe('The ferry sails at dawn.');
    await expect(page.locator('.attribution[data-author="Ana Writer"]')).toHaveCount(0);
  }
});
