import fs from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { createUser, expect, field, signedInPage, test } from './fixtures';

const fixture = (name: string) => fs.readFileSync(`tests/fixtures/paste/${name}.html`, 'utf8');

/** Pastes `html` into the focused editor as a browser does: a paste event carrying the clipboard's HTML and text. */
async function paste(page: Page, html: string, text: string): Promise<void> {
  await page.evaluate(
    ([html, text]) => {
      const data = new DataTransfer();
      data.setData('text/html', html);
      data.setData('text/plain', text);
      document.activeElement!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    },
    [html, text],
  );
}

async function bodyOfNewStory(page: Page) {
  await page.getByRole('button', { name: 'New story' }).click();
  const body = field(page, 'Body');
  await expect(body).toBeEditable({ timeout: 20_000 });
  await body.click();
  return body;
}

test('a Google Docs copy keeps its headings (h1 as a section heading), bold, italic, link and list', async ({ browser, server }) => {
  const page = await signedInPage(browser, server, await createUser(server, 'writer', 'Gia Writer'));
  const body = await bodyOfNewStory(page);
  await paste(page, fixture('googleDocs'), 'Harbour ferries return');
  await expect(body.locator('h2', { hasText: 'Harbour ferries return' })).toBeVisible();
  await expect(body.locator('h2', { hasText: 'What changes' })).toBeVisible();
  await expect(body.locator('h3', { hasText: 'Background' })).toBeVisible();
  await expect(body.locator('strong', { hasText: 'Two boats' })).toBeVisible();
  await expect(body.locator('em', { hasText: 'night crossing' })).toBeVisible();
  await expect(body.getByRole('link', { name: 'timetable' })).toHaveAttribute('href', 'https://example.org/timetable');
  await expect(body.locator('ul > li')).toHaveText(['Last boat at 23:40', 'Fares unchanged']);
  // Google's wrapper (a "normal weight" <b>) does not make everything bold.
  await expect(body.locator('strong')).toHaveCount(1);
  // Its picture only points at Google's servers, which Galley never fetches: it is left out and said.
  await expect(body.getByRole('group', { name: /^Picture/ })).toHaveCount(0);
  await expect(page.getByRole('status').filter({ hasText: 'A picture was left out' })).toHaveText(
    /A picture was left out: the copy only points at it \(on another site or computer\)\. Save it and use Add picture to upload it\./,
  );
});

test('a Word copy keeps its title, subtitle and headings as headings, with bold, italic and links', async ({ browser, server }) => {
  const page = await signedInPage(browser, server, await createUser(server, 'writer', 'Wim Writer'));
  const body = await bodyOfNewStory(page);
  await paste(page, fixture('word'), 'Council sets the budget');
  await expect(body.locator('h2', { hasText: 'Council sets the budget' })).toBeVisible();
  await expect(body.locator('h3', { hasText: 'Libraries keep their hours' })).toBeVisible();
  await expect(body.locator('h2', { hasText: 'Reaction' })).toBeVisible();
  await expect(body.locator('strong', { hasText: '31 to 12' })).toBeVisible();
  await expect(body.locator('em', { hasText: 'Tuesday night' })).toBeVisible();
  await expect(body.getByRole('link', { name: 'a missed chance' })).toHaveAttribute('href', 'https://example.org/statement');
  await expect(body.locator('p', { hasText: 'The council voted' })).toHaveCount(1);
  // The picture Word put in the copy itself is uploaded into the library and stays where it was, with its alt text.
  const picture = body.getByRole('group', { name: 'Picture: Council chamber' });
  await expect(picture.getByRole('img', { name: 'Council chamber' })).toBeVisible();
  const blocks = await body.evaluate((el) =>
    [...el.children].map((child) => child.getAttribute('aria-label') ?? child.textContent ?? '').filter((text) => text.trim() !== ''),
  );
  expect(blocks.indexOf('Picture: Council chamber')).toBe(blocks.findIndex((text) => text.startsWith('The council voted')) + 1);
  await expect.poll(() => picture.getByRole('img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  // Its table is paragraphs, said so.
  await expect(body.locator('p', { hasText: 'Libraries | £2.1m' })).toHaveCount(1);
  await expect(page.getByRole('status').filter({ hasText: 'A table was pasted as text' })).toBeVisible();
  const library = await page.request.get('/api/media');
  expect(((await library.json()) as { media: unknown[] }).media).toHaveLength(1);
});

test('a table is pasted as one paragraph per row with its cells apart, a picture on another site is left out, and both are said', async ({
  browser,
  server,
}) => {
  const page = await signedInPage(browser, server, await createUser(server, 'writer', 'Tam Writer'));
  const body = await bodyOfNewStory(page);
  const html =
    '<p>Results by ward:</p><table><tr><th>Ward</th><th>Turnout</th></tr><tr><td>North</td><td>41%</td></tr><tr><td>South</td><td>38%</td></tr></table>' +
    '<p>Polling station <img src="https://example.org/photo.jpg" alt="A queue"> at noon.</p>';
  await paste(page, html, 'Results by ward');
  await expect(body.locator('p')).toHaveText([
    'Results by ward:',
    'Ward | Turnout',
    'North | 41%',
    'South | 38%',
    'Polling station at noon.',
  ]);
  await expect(body.locator('img')).toHaveCount(0);
  const notice = page.getByRole('status').filter({ hasText: 'A table was pasted as text' });
  await expect(notice).toHaveText(
    /A table was pasted as text, one paragraph per row \(the Body has no tables\)\. A picture was left out: the copy only points at it/,
  );
  expect((await new AxeBuilder({ page }).include('.field__paste-notice').analyze()).violations).toEqual([]);
  await notice.getByRole('button', { name: 'Dismiss' }).click();
  await expect(notice).toHaveCount(0);

  // A clean paste, on a new line, says nothing.
  await body.click();
  await page.keyboard.press('ControlOrMeta+End');
  await page.keyboard.press('Enter');
  await paste(page, '<p>Counting ends at ten.</p>', 'Counting ends at ten.');
  await expect(body.locator('p').last()).toHaveText('Counting ends at ten.');
  await expect(page.getByRole('status').filter({ hasText: 'pasted as text' })).toHaveCount(0);
});

test('Ctrl+Shift+V pastes plain text: no headings, no bold, no pictures', async ({ browser, server }) => {
  const page = await signedInPage(browser, server, await createUser(server, 'writer', 'Pia Writer'));
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  const body = await bodyOfNewStory(page);
  await page.evaluate(async (html) => {
    const item = new ClipboardItem({
      'text/html': new Blob([html], { type: 'text/html' }),
      'text/plain': new Blob(['Council sets the budget\nThe council voted 31 to 12.'], { type: 'text/plain' }),
    });
    await navigator.clipboard.write([item]);
  }, fixture('word'));
  await page.keyboard.press('ControlOrMeta+Shift+V');
  await expect(body.locator('p')).toHaveText(['Council sets the budget', 'The council voted 31 to 12.']);
  await expect(body.locator('h2, h3, strong, em')).toHaveCount(0);
  await expect(body.getByRole('group', { name: /^Picture/ })).toHaveCount(0);
  // The same clipboard pasted with Ctrl+V keeps the formatting.
  await page.keyboard.press('ControlOrMeta+V');
  await expect(body.locator('h2', { hasText: 'Reaction' })).toBeVisible();
  await expect(body.locator('strong', { hasText: '31 to 12' })).toBeVisible();
});
