import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { png } from '../helpers/images';
import { expect, expectSaved, field, test, twoEditorsOnANewStory } from './fixtures';

/** Drops `files` on the Body's first paragraph, as a person dragging them from their desktop does. */
async function dropOnBody(page: Page, files: Array<{ name: string; type: string; base64: string }>): Promise<void> {
  const target = field(page, 'Body').locator('p').first();
  const box = (await target.boundingBox())!;
  await target.evaluate(
    (element, { files, x, y }) => {
      const data = new DataTransfer();
      for (const { name, type, base64 } of files) {
        data.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], name, { type }));
      }
      element.dispatchEvent(new DragEvent('drop', { dataTransfer: data, clientX: x, clientY: y, bubbles: true, cancelable: true }));
    },
    { files, x: box.x + 4, y: box.y + box.height / 2 },
  );
}

const picture = (page: Page) => field(page, 'Body').getByRole('group', { name: /^Picture/ });

async function typeStory(page: Page): Promise<void> {
  await field(page, 'Headline').click();
  await page.keyboard.type('Harbour crane lifted into place');
  await field(page, 'Standfirst').click();
  await page.keyboard.type('The new crane doubles what the port can unload.');
  await field(page, 'Byline').click();
  await page.keyboard.type('Ana Writer');
  await field(page, 'Body').click();
  await page.keyboard.type('Workers watched from the quay as the jib swung round.');
}

test('a picture dropped into the Body is a placeholder for the other person, then a figure whose words both edit live; the lead image and alt text check follow; the public page serves <picture>', async ({
  browser,
  server,
}) => {
  const { ana, ben } = await twoEditorsOnANewStory(browser, server);
  await typeStory(ana);
  await expect(field(ben, 'Body')).toHaveText('Workers watched from the quay as the jib swung round.');

  // Ana's upload is held at the server's door until Ben has seen its placeholder.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await ana.route('**/api/media', async (route) => {
    await held;
    await route.continue();
  });
  const photo = (await png(1000, 600)).toString('base64');
  await dropOnBody(ana, [{ name: 'crane.png', type: 'image/png', base64: photo }]);
  await expect(ana.getByRole('status').filter({ hasText: /Uploading the picture… \d+ %/ })).toBeVisible();
  await expect(field(ben, 'Body').getByRole('status').filter({ hasText: 'Ana Writer is adding a picture…' })).toBeVisible();
  release();
  await expect(picture(ben).getByRole('img')).toBeVisible();
  await expect(picture(ana).getByRole('img')).toBeVisible();
  await expect(picture(ben).getByRole('img')).toHaveJSProperty('complete', true);
  expect(
    await picture(ben)
      .getByRole('img')
      .evaluate((img: HTMLImageElement) => img.naturalWidth),
  ).toBeGreaterThan(0);

  // Alt text, caption and credit: each typed by one person, seen by the other.
  await picture(ben).getByRole('textbox', { name: 'Alt text' }).fill('A yellow crane above the quay');
  await expect(picture(ana).getByRole('textbox', { name: 'Alt text' })).toHaveValue('A yellow crane above the quay');
  await expect(picture(ana)).toHaveAccessibleName('Picture: A yellow crane above the quay');
  await picture(ana).getByRole('textbox', { name: 'Caption' }).fill('The crane arrived by barge <at night>');
  await picture(ana).getByRole('textbox', { name: 'Credit' }).fill('Port Authority');
  await picture(ana).getByRole('textbox', { name: 'Credit' }).press('Tab');
  await expect(picture(ben).getByRole('textbox', { name: 'Caption' })).toHaveValue('The crane arrived by barge <at night>');
  await expect(picture(ben).getByRole('textbox', { name: 'Credit' })).toHaveValue('Port Authority');
  await picture(ben).getByRole('radio', { name: 'Wide' }).check();
  await expect(picture(ana).getByRole('radio', { name: 'Wide' })).toBeChecked();

  // Ben sets the lead image; Ana sees it; its alt text is missing, and the checks say so.
  const lead = (page: Page) => page.getByRole('region', { name: 'Lead image' });
  await lead(ben)
    .getByLabel('Upload a picture')
    .setInputFiles({ name: 'quay.png', mimeType: 'image/png', buffer: await png(900, 600) });
  await expect(lead(ana).getByRole('img')).toBeVisible();
  const checklist = ben.getByRole('region', { name: 'Pre-publish checks' });
  await expect(checklist).toContainText('Add alt text to the lead image');
  // Both type in the lead caption at once: both keep their words.
  await lead(ana).getByRole('textbox', { name: 'Caption' }).click();
  await lead(ben).getByRole('textbox', { name: 'Caption' }).click();
  await Promise.all([ana.keyboard.type('Dawn at the port.', { delay: 20 }), ben.keyboard.type('Calm seas.', { delay: 20 })]);
  for (const page of [ana, ben]) {
    const caption = lead(page).getByRole('textbox', { name: 'Caption' });
    await expect(caption).toHaveValue(/Dawn at the port\./);
    await expect(caption).toHaveValue(/Calm seas\./);
  }
  await expect
    .poll(() => lead(ana).getByRole('textbox', { name: 'Caption' }).inputValue())
    .toBe(await lead(ben).getByRole('textbox', { name: 'Caption' }).inputValue());
  await lead(ana).getByRole('textbox', { name: 'Alt text' }).fill('Containers stacked on the quay at dawn');
  await lead(ana).getByRole('textbox', { name: 'Credit' }).fill('Sam Photographer');
  await expect(checklist).toContainText('Ready to publish');
  await expect(lead(ben).getByRole('textbox', { name: 'Alt text' })).toHaveValue('Containers stacked on the quay at dawn');

  for (const page of [ana, ben]) {
    expect((await new AxeBuilder({ page }).include('.story-sheet').analyze()).violations).toEqual([]);
  }
  await expectSaved(ana);
  await expectSaved(ben);
  await ben.getByRole('button', { name: 'Publish', exact: true }).click();
  await expect(ben.getByText(/Published by Ben Editor/)).toBeVisible();
  // The words given here are what the library offers at the pictures' next use.
  const credits = async () => {
    const { media } = (await (await ben.request.get('/api/media')).json()) as { media: Array<{ credit: string; caption: string }> };
    return media.map((item) => item.credit).sort();
  };
  await expect.poll(credits).toEqual(['Port Authority', 'Sam Photographer']);
  // The library says where each picture is published.
  await ben.goto('/media-library');
  await ben.getByRole('listbox', { name: 'Pictures' }).getByRole('option').first().click();
  await expect(ben.getByText('Harbour crane lifted into place')).toBeVisible();

  // A reader: the lead image and the figure, as <picture> with sizes set, captions and credits, og:image.
  const reader = await (await browser.newContext({ baseURL: server.url })).newPage();
  await reader.goto('/stories/harbour-crane-lifted-into-place');
  // Every picture's box is known before it loads: nothing on the page moves (cumulative layout shift).
  const layoutShift = () =>
    reader.evaluate(
      () =>
        new Promise<number>((resolve) => {
          new PerformanceObserver((list) => {
            resolve(list.getEntries().reduce((sum, entry) => sum + (entry as unknown as { value: number }).value, 0));
          }).observe({ type: 'layout-shift', buffered: true });
          setTimeout(() => resolve(0), 500);
        }),
    );
  const leadImage = reader.getByRole('img', { name: 'Containers stacked on the quay at dawn' });
  const figureImage = reader.getByRole('img', { name: 'A yellow crane above the quay' });
  for (const img of [leadImage, figureImage]) {
    await expect(img).toBeVisible();
    await expect(img).toHaveAttribute('width', /^\d+$/);
    await expect(img).toHaveAttribute('height', /^\d+$/);
    await expect(img.locator('xpath=ancestor::picture/source[@type="image/avif"]')).toHaveCount(1);
  }
  await expect(figureImage).toHaveAttribute('loading', 'lazy');
  await expect(leadImage).not.toHaveAttribute('loading', 'lazy');
  await figureImage.scrollIntoViewIfNeeded();
  await expect.poll(() => figureImage.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  expect(await layoutShift()).toBeLessThan(0.01);
  await expect(reader.locator('figcaption', { hasText: 'The crane arrived by barge <at night>' })).toContainText('Port Authority');
  const ogImage = await reader.locator('meta[property="og:image"]').getAttribute('content');
  expect(ogImage).toMatch(new RegExp(`^${server.url}/media/[A-Za-z0-9_-]{22}/`));
  expect((await reader.request.get(ogImage!)).status()).toBe(200);
});

test('a picture added offline waits on this device and uploads when the connection is back; a refused file is said', async ({
  browser,
  server,
}) => {
  const { ana, ben, url } = await twoEditorsOnANewStory(browser, server);
  await field(ana, 'Body').click();
  await ana.keyboard.type('Before the picture.');
  await expectSaved(ana);

  await ana.context().setOffline(true);
  const chooser = ana.waitForEvent('filechooser');
  await ana.getByRole('button', { name: 'Add picture', exact: true }).click();
  await (await chooser).setFiles({ name: 'offline.png', mimeType: 'image/png', buffer: await png(640, 480) });
  await expect(picture(ana).getByRole('status')).toContainText('Uploading the picture');
  await picture(ana).getByRole('textbox', { name: 'Alt text' }).fill('Rain on the harbour wall');
  await picture(ana).getByRole('textbox', { name: 'Alt text' }).press('Tab');
  // The tab is closed before the connection is back: the picture and its placeholder were kept on this device.
  const context = ana.context();
  await ana.close();
  await context.setOffline(false);
  const again = await context.newPage();
  await again.goto(url);
  await expect(picture(ben).getByRole('img', { name: 'Rain on the harbour wall' })).toBeVisible({ timeout: 30_000 });
  await expect(picture(again).getByRole('img', { name: 'Rain on the harbour wall' })).toBeVisible();

  // A file that is not an image the server accepts: its placeholder goes, and the reason is said.
  const refused = again.waitForEvent('filechooser');
  await again.getByRole('button', { name: 'Add picture', exact: true }).click();
  await (
    await refused
  ).setFiles({
    name: 'logo.svg',
    mimeType: 'image/svg+xml',
    buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
  });
  await expect(again.getByRole('status').filter({ hasText: '“logo.svg” was not added' })).toBeVisible();
  await expect(picture(again)).toHaveCount(1);
  await expect(picture(ben)).toHaveCount(1);
});

test('pictures cannot be added as suggestions, and a figure fits a phone screen', async ({ browser, server }) => {
  const { ana } = await twoEditorsOnANewStory(browser, server);
  await field(ana, 'Body').click();
  await ana.keyboard.type('Text first.');
  const addPicture = async (name: string, buffer: Buffer) => {
    const chooser = ana.waitForEvent('filechooser');
    await ana.getByRole('button', { name: 'Add picture', exact: true }).click();
    await (await chooser).setFiles({ name, mimeType: 'image/png', buffer });
  };

  const suggesting = ana.getByRole('button', { name: 'Suggesting' });
  await suggesting.click();
  await expect(suggesting).toHaveAttribute('aria-pressed', 'true');
  await addPicture('more.png', await png(300, 200));
  await expect(ana.getByRole('status').filter({ hasText: 'Pictures cannot be suggested' })).toBeVisible();
  await expect(picture(ana)).toHaveCount(0);
  await suggesting.click();
  await expect(suggesting).toHaveAttribute('aria-pressed', 'false');

  await ana.setViewportSize({ width: 390, height: 844 });
  await addPicture('wide.png', await png(2400, 600));
  await expect(picture(ana).getByRole('img')).toBeVisible();
  await picture(ana).getByRole('textbox', { name: 'Credit' }).fill('Harbour Photos');
  await picture(ana).getByRole('textbox', { name: 'Credit' }).press('Tab');
  expect(await ana.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  expect((await new AxeBuilder({ page: ana }).include('.story-sheet').analyze()).violations).toEqual([]);

  // The same picture again, from the library, with the keyboard: it comes with the words it was last given.
  await expect
    .poll(async () => ((await (await ana.request.get('/api/media')).json()) as { media: Array<{ credit: string }> }).media[0]?.credit)
    .toBe('Harbour Photos');
  const opener = ana.getByRole('button', { name: 'Add picture from library' });
  await field(ana, 'Body').locator('p').first().click();
  await opener.click();
  const dialog = ana.getByRole('dialog', { name: 'Media library' });
  await expect(dialog.getByRole('searchbox', { name: 'Search pictures' })).toBeFocused();
  await expect(dialog.getByRole('option')).toHaveCount(1);
  expect((await new AxeBuilder({ page: ana }).include('dialog').analyze()).violations).toEqual([]);
  expect(await ana.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await ana.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  // Toolbar buttons keep the focus in the text, so that is where closing the library returns it.
  await expect(field(ana, 'Body')).toBeFocused();
  await opener.click();
  await dialog.getByRole('option').first().click();
  await dialog.getByRole('button', { name: 'Use this picture' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(picture(ana)).toHaveCount(2);
  await expect(picture(ana).nth(1).getByRole('textbox', { name: 'Credit' })).toHaveValue('Harbour Photos');

  // A picture selected by a click is not replaced by typing: the words start a paragraph after it.
  await picture(ana).nth(1).getByRole('img').click();
  await expect(field(ana, 'Body').locator('.ProseMirror-selectednode')).toHaveCount(1);
  await ana.keyboard.type('Cranes at dusk');
  await expect(picture(ana)).toHaveCount(2);
  await expect(field(ana, 'Body').locator('p', { hasText: 'Cranes at dusk' })).toHaveCount(1);
});
