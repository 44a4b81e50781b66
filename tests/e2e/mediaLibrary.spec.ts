/**
 * The media library page (docs/media.md#media-library): pictures uploaded with their progress, browsed,
 * searched, their details and defaults, with a pointer and with the keyboard alone, on a laptop and a phone,
 * with no axe violations. The same browser is the story editor's picker (MediaLibraryDialog).
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import sharp from 'sharp';
import { createUser, expect, signedInPage, test } from './fixtures';

/** An 800 × 600 PNG of one colour: each colour is a different file to the library. */
const png = (background: { r: number; g: number; b: number }) =>
  sharp({ create: { width: 800, height: 600, channels: 3, background } })
    .png()
    .toBuffer();

async function violations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

const noSidewaysScroll = (page: Page) =>
  expect
    .poll(() => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth))
    .toBeLessThanOrEqual(0);

const pictures = (page: Page) => page.getByRole('listbox', { name: 'Pictures' });
const details = (page: Page) => page.getByRole('region', { name: 'Picture details' });
const listStatus = (page: Page, text: string) => page.getByRole('status').filter({ hasText: text });

test('a writer uploads two pictures, gives one a caption and credit, and finds it by its credit', async ({ browser, server }) => {
  const writer = await createUser(server, 'writer', 'Wes Writer');
  const page = await signedInPage(browser, server, writer);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Media library' }).click();
  await expect(page.getByRole('heading', { name: 'Media library', level: 1 })).toBeVisible();
  await expect(listStatus(page, 'No pictures yet.')).toBeVisible();

  await page.getByLabel('Upload pictures').setInputFiles([
    { name: 'red.png', mimeType: 'image/png', buffer: await png({ r: 200, g: 30, b: 30 }) },
    { name: 'blue.png', mimeType: 'image/png', buffer: await png({ r: 30, g: 60, b: 200 }) },
  ]);
  const uploads = page.getByRole('region', { name: 'Uploads' });
  for (const name of ['red.png', 'blue.png']) {
    await expect(uploads.getByRole('progressbar', { name })).toHaveJSProperty('position', 1);
    await expect(uploads.getByRole('listitem').filter({ hasText: name })).toContainText('Uploaded');
  }
  await expect(pictures(page).getByRole('option')).toHaveCount(2);
  await expect(listStatus(page, '2 pictures.')).toBeVisible();
  // Nothing is selected yet, so there are no details.
  await expect(details(page)).toHaveCount(0);

  // The same bytes again: the library says it has them and lists them once.
  await page
    .getByLabel('Upload pictures')
    .setInputFiles({ name: 'red again.png', mimeType: 'image/png', buffer: await png({ r: 200, g: 30, b: 30 }) });
  await expect(uploads.getByRole('listitem').filter({ hasText: 'red again.png' })).toContainText('Already in the library');
  // Refused files say why, in the server's words.
  await page
    .getByLabel('Upload pictures')
    .setInputFiles({ name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('not a picture') });
  await expect(uploads.getByRole('listitem').filter({ hasText: 'notes.png' })).toContainText(
    'Only JPEG, PNG, WebP, GIF and AVIF images can be uploaded.',
  );
  await expect(pictures(page).getByRole('option')).toHaveCount(2);

  // Choose one: its details, then its defaults for the next use.
  const first = pictures(page).getByRole('option').first();
  await first.click();
  await expect(first).toHaveAttribute('aria-selected', 'true');
  await expect(details(page)).toContainText('800 × 600 pixels, PNG');
  await expect(details(page)).toContainText('by Wes Writer');
  await expect(details(page)).toContainText('No published story yet');
  await details(page).getByRole('textbox', { name: 'Alt text' }).fill('Fishing boats moored in the harbour at dawn');
  await details(page).getByRole('textbox', { name: 'Caption' }).fill('The harbour at dawn');
  await details(page).getByRole('textbox', { name: 'Credit' }).fill('Mara Lens');
  await details(page).getByRole('button', { name: 'Save defaults' }).click();
  await expect(details(page).getByRole('status')).toHaveText('Saved: these are offered the next time the picture is used.');
  await expect(details(page)).toContainText('Mara Lens');
  const captioned = pictures(page).getByRole('option', {
    name: /^Fishing boats moored in the harbour at dawn The harbour at dawn Credit: Mara Lens Uploaded by Wes Writer \d/,
  });
  await expect(captioned).toBeVisible();
  await expect(captioned.getByRole('img', { name: 'Fishing boats moored in the harbour at dawn' })).toBeVisible();

  // Search by the credit: only that picture.
  const search = page.getByRole('searchbox', { name: 'Search pictures' });
  await search.fill('mara lens');
  await expect(listStatus(page, '1 picture matching “mara lens”.')).toBeVisible();
  await expect(pictures(page).getByRole('option')).toHaveCount(1);
  await expect(captioned).toBeVisible();
  await search.fill('zebra');
  await expect(listStatus(page, 'No pictures match “zebra”.')).toBeVisible();
  await expect(pictures(page)).toHaveCount(0);

  expect(await violations(page), 'page at 1280 px').toEqual([]);

  // The keyboard alone: into the list (at the picture chosen), across it, choose another, on to its defaults.
  await search.fill('');
  const options = pictures(page).getByRole('option');
  await expect(options).toHaveCount(2);
  await search.focus();
  await page.keyboard.press('Tab');
  await expect(captioned).toBeFocused();
  await page.keyboard.press('Home');
  await expect(options.first()).toBeFocused();
  await page.keyboard.press('End');
  await expect(options.last()).toBeFocused();
  await page.keyboard.press('ArrowLeft');
  await expect(options.first()).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await expect(options.last()).toBeFocused();
  const other = pictures(page).getByRole('option', { name: /^No caption Uploaded by Wes Writer \d/ });
  await other.press('Enter');
  await expect(other).toHaveAttribute('aria-selected', 'true');
  await expect(captioned).toHaveAttribute('aria-selected', 'false');
  await expect(details(page).getByRole('textbox', { name: 'Caption' })).toHaveValue('');
  await page.keyboard.press('Tab');
  await expect(details(page).getByRole('textbox', { name: 'Alt text' })).toBeFocused();

  // A phone: two columns, nothing wider than the screen; choosing a picture goes to its details and back.
  await page.setViewportSize({ width: 390, height: 844 });
  await noSidewaysScroll(page);
  const [a, b] = await Promise.all([options.first().boundingBox(), options.last().boundingBox()]);
  expect(a!.y).toBe(b!.y);
  expect(b!.x + b!.width).toBeLessThanOrEqual(390);
  await captioned.click();
  await expect(details(page).getByRole('heading', { name: 'Picture details' })).toBeFocused();
  await expect(details(page).getByRole('heading', { name: 'Picture details' })).toBeInViewport();
  await expect(details(page).getByRole('textbox', { name: 'Caption' })).toHaveValue('The harbour at dawn');
  await details(page).getByRole('button', { name: 'Back to the pictures' }).click();
  await expect(captioned).toBeFocused();
  await noSidewaysScroll(page);
  expect(await violations(page), 'page at 390 px').toEqual([]);
  await page.screenshot({ path: test.info().outputPath('media-library-390.png'), fullPage: true });
});

test('a viewer browses the library but cannot upload or change a picture’s defaults', async ({ browser, server }) => {
  const writer = await createUser(server, 'writer', 'Wes Writer');
  const writerPage = await signedInPage(browser, server, writer);
  await writerPage.goto('/media-library');
  await writerPage
    .getByLabel('Upload pictures')
    .setInputFiles({ name: 'green.png', mimeType: 'image/png', buffer: await png({ r: 20, g: 160, b: 60 }) });
  await expect(pictures(writerPage).getByRole('option')).toHaveCount(1);

  const viewer = await createUser(server, 'viewer', 'Vera Viewer');
  const page = await signedInPage(browser, server, viewer);
  await page.goto('/media-library');
  await expect(pictures(page).getByRole('option')).toHaveCount(1);
  await expect(page.getByLabel('Upload pictures')).toHaveCount(0);
  await pictures(page).getByRole('option').click();
  await expect(details(page)).toContainText('by Wes Writer');
  await expect(details(page).getByRole('button', { name: 'Save defaults' })).toHaveCount(0);
  expect(await violations(page), 'viewer').toEqual([]);
});
