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
