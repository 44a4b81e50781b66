import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { createUser, expect, field, signedInPage, test } from './fixtures';

const help = (page: Page) => page.getByRole('dialog', { name: 'Keyboard shortcuts' });
const linkForm = (page: Page) => page.getByRole('form', { name: 'Link' });

async function newStory(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'New story' }).click();
  await expect(field(page, 'Body')).toBeEditable({ timeout: 20_000 });
}

test('Ctrl+/ lists every shortcut, from any field or the toolbar, and gives focus back on close', async ({ browser, server }) => {
  const page = await signedInPage(browser, server, await createUser(server, 'writer', 'Kim Writer'));
  await newStory(page);
  await field(page, 'Body').click();
  await page.keyboard.type('Council meets');

  await page.keyboard.press('ControlOrMeta+/');
  await expect(help(page)).toBeVisible();
  // The formatting rows are the toolbar's own, with the keys shown as this platform writes them.
  await expect(help(page).getByRole('row', { name: /^Bold\b/ })).toContainText('Ctrl+B');
  await expect(help(page).getByRole('row', { name: /^Link\b/ })).toContainText('Ctrl+K');
  await expect(help(page).getByRole('row', { name: /^Redo\b/ })).toContainText('Ctrl+Shift+Z');
  expect((await new AxeBuilder({ page }).include('dialog').analyze()).violations).toEqual([]);
  // The shortcut did not reach the text.
  await expect(field(page, 'Body')).toHaveText('Council meets');

  await page.keyboard.press('Escape');
  await expect(help(page)).toHaveCount(0);
  await expect(field(page, 'Body')).toBeFocused();
  await page.keyboard.type(' today');
  await expect(field(page, 'Body')).toHaveText('Council meets today');

  // From the headline too, and the same key closes it; the toolbar's button opens it as well.
  await field(page, 'Headline').click();
  await page.keyboard.press('ControlOrMeta+/');
  await expect(help(page)).toBeVisible();
  await page.keyboard.press('ControlOrMeta+/');
  await expect(help(page)).toHaveCount(0);
  await expect(field(page, 'Headline')).toBeFocused();
  await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
  await expect(help(page)).toBeVisible();
  await help(page).getByRole('button', { name: 'Close' }).click();
  await expect(help(page)).toHaveCount(0);
});

test('Ctrl+K opens the link form in the Body, and does nothing in a field without links', async ({ browser, server }) => {
  const page = await signedInPage(browser, server, await createUser(server, 'writer', 'Lee Writer'));
  await newStory(page);
  await field(page, 'Headline').click();
  await page.keyboard.type('Bridge reopens');
  await page.keyboard.press('ControlOrMeta+k');
  await expect(field(page, 'Headline')).toBeFocused();
  await expect(linkForm(page)).toHaveCount(0);

  await field(page, 'Body').click();
  await page.keyboard.type('Read the report');
  for (let i = 0; i < 'report'.length; i++) await page.keyboard.press('Shift+ArrowLeft');
  await page.keyboard.press('ControlOrMeta+k');
  const address = linkForm(page).getByRole('textbox', { name: 'Link address' });
  await expect(address).toBeFocused();
  await address.fill('example.org/report');
  await address.press('Enter');
  await expect(field(page, 'Body').getByRole('link', { name: 'report' })).toHaveAttribute('href', 'https://example.org/report');
});

test('the shortcut list fits a phone screen', async ({ browser, server }) => {
  const page = await signedInPage(browser, server, await createUser(server, 'writer', 'Mo Writer'));
  await page.setViewportSize({ width: 360, height: 740 });
  await newStory(page);
  await field(page, 'Body').click();
  await page.keyboard.press('ControlOrMeta+/');
  await expect(help(page)).toBeVisible();
  const box = (await help(page).boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(360);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
});
