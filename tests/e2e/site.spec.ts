/**
 * The public site's settings and story page (docs/site.md) in a real browser: an admin changes the site's
 * name and logo in Settings → Site and a reader's pages follow; an editor publishes an update with a
 * correction and the story page shows its time, "Updated" and the correction. Zero axe violations, at
 * 390 px too, and no console errors under the public pages' strict CSP (the JSON-LD block included).
 */
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from '@playwright/test';
import { PLANNING_ROOT } from '../../shared/planning';
import { connectClient, createStory, setParagraphs } from '../helpers/clients';
import { call } from '../helpers/http';
import { png, uploadImage } from '../helpers/images';
import type { TestServer, TestUser } from '../helpers/testServer';
import { createUser, expect, signedInPage, test } from './fixtures';

/** A reader's page (no session) that records every console error and failed request. */
async function readerPage(browser: Browser, server: TestServer): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ baseURL: server.url });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('requestfailed', (request) => errors.push(`${request.url()} failed`));
  return { page, errors };
}

/** A story written and published over the API, as the newsroom would have; its public address. */
async function publishedStory(
  server: TestServer,
  editor: TestUser,
  headline: string,
  section?: string,
): Promise<{ id: string; path: string }> {
  const id = await createStory(server, editor);
  const client = await connectClient(server, editor, id);
  try {
    client.doc.transact(() => {
      setParagraphs(client.doc, 'headline', [headline]);
      setParagraphs(client.doc, 'standfirst', ['The crossing reopens two months early.']);
      setParagraphs(client.doc, 'byline', ['Wes Writer']);
      setParagraphs(client.doc, 'body', ['The bridge reopened at dawn on Monday.']);
      if (section) client.doc.getMap(PLANNING_ROOT).set('section', section);
    });
    await client.provider.whenSaved();
  } finally {
    client.close();
  }
  const answer = await call(server, 'POST', `/api/stories/${id}/publish`, { user: editor });
  expect(answer.status).toBe(200);
  return { id, path: `/stories/${answer.body.publication.slug}` };
}

const axe = async (page: Page) => expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);

test('an admin changes the site name and logo in Settings, and the public pages follow', async ({ browser, server }) => {
  const adminUser = await createUser(server, 'admin', 'Ada Admin');
  const editor = await createUser(server, 'editor', 'Edie Editor');
  await uploadImage(server.url, adminUser.cookie, await png(480, 120), { name: 'ledger-logo.png', type: 'image/png' });
  const story = await publishedStory(server, editor, 'Harbour bridge reopens');

  const reader = await readerPage(browser, server);
  await reader.page.goto(story.path);
  await expect(reader.page.getByRole('banner').getByRole('link').first()).toHaveText('News');
  await expect(reader.page).toHaveTitle('Harbour bridge reopens — News');

  const admin = await signedInPage(browser, server, adminUser);
  await admin.setViewportSize({ width: 390, height: 844 });
  await admin.goto('/settings');
  const site = admin.getByRole('region', { name: 'Site' });
  await expect(site.getByLabel('Site name')).toHaveValue('News');
  await site.getByLabel('Site name').fill('The Harbour Ledger');
  await site.getByRole('button', { name: 'Choose logo…' }).click();
  const library = admin.getByRole('dialog', { name: 'Media library' });
  await library.getByRole('option').first().click();
  await library.getByRole('button', { name: 'Use this picture' }).click();
  await expect(library).toHaveCount(0);
  await expect(site.getByRole('button', { name: 'Remove logo' })).toBeVisible();
  await site.getByRole('button', { name: 'Add link' }).click();
  await site.getByLabel('Link 1 label').fill('About us');
  await site.getByLabel('Link 1 address').fill('ledger.example/about');
  await site.getByRole('button', { name: 'Save site settings' }).click();
  // A relative address is refused at its field, before anything is sent.
  await expect(site.getByLabel('Link 1 address')).toHaveAttribute('aria-invalid', 'true');
  await site.getByLabel('Link 1 address').fill('https://ledger.example/about');
  await site.getByRole('button', { name: 'Save site settings' }).click();
  await expect(site.getByRole('status')).toHaveText(/Site settings saved/);
  expect(await admin.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await axe(admin);

  // The reader's next page has the new masthead, its logo loaded (public now), and the footer link.
  await reader.page.reload();
  const masthead = reader.page.getByRole('banner').getByRole('link').first();
  await expect(masthead).toHaveText('The Harbour Ledger');
  const logo = masthead.locator('img.site-logo');
  await expect(logo).toBeVisible();
  await expect.poll(() => logo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
  await expect(reader.page).toHaveTitle('Harbour bridge reopens — The Harbour Ledger');
  await expect(reader.page.getByRole('navigation', { name: 'Site links' }).getByRole('link', { name: 'About us' })).toHaveAttribute(
    'href',
    'https://ledger.example/about',
  );
  await expect(reader.page.locator('body')).not.toContainText(/galley/i);
  await reader.page.goto('/stories');
  await expect(reader.page.getByRole('banner').getByRole('link').first()).toHaveText('The Harbour Ledger');
  await axe(reader.page);
  expect(reader.errors).toEqual([]);

  // Only admins have the section.
  const editorPage = await signedInPage(browser, server, editor);
  await editorPage.goto('/settings');
  await expect(editorPage.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
  await expect(editorPage.getByRole('heading', { name: 'Site', exact: true })).toHaveCount(0);
});

test('the story page shows its time in the site’s zone, "Updated", its section and a correction', async ({ browser, server }) => {
  const adminUser = await createUser(server, 'admin', 'Ada Admin');
  const editorUser = await createUser(server, 'editor', 'Edie Editor');
  const settings = (await call(server, 'GET', '/api/site', { user: adminUser })).body.settings;
  const saved = await call(server, 'PUT', '/api/site', {
    user: adminUser,
    body: { ...settings, logo: null, socialImage: null, language: 'en-GB', timeZone: 'Asia/Tokyo' },
  });
  expect(saved.status).toBe(200);
  const story = await publishedStory(server, editorUser, 'Ferry timetable changes', 'Transport');

  const reader = await readerPage(browser, server);
  await reader.page.setViewportSize({ width: 390, height: 844 });
  await reader.page.goto(story.path);
  const header = reader.page.locator('header.story-header');
  await expect(header.getByRole('link', { name: 'Transport' })).toHaveAttribute('href', '/sections/transport');
  const published = header.locator('.dateline time').first();
  await expect(published).toHaveText(/\d{1,2} \w+ \d{4} at \d\d:\d\d GMT\+9/);
  expect(Date.parse((await published.getAttribute('datetime'))!)).not.toBeNaN();
  await expect(header).not.toContainText('Updated');

  // The editor publishes an update with a correction, from the story.
  const editor = await signedInPage(browser, server, editorUser);
  await editor.goto(`/story/${story.id}`);
  // A rarer action, behind "More ways to publish" beside Publish update so the story bar keeps its rows.
  await editor.getByRole('button', { name: 'More ways to publish' }).click();
  await expect(editor.getByRole('button', { name: 'Schedule update…' })).toBeVisible();
  await axe(editor);
  await editor.getByRole('button', { name: 'Publish with correction…' }).click();
  const dialog = editor.getByRole('dialog', { name: 'Publish update with a correction' });
  await dialog.getByRole('button', { name: 'Publish with correction' }).click();
  await expect(dialog.getByLabel('Correction')).toHaveAccessibleDescription('Say what was corrected');
  await axe(editor);
  await dialog.getByLabel('Correction').fill('The new timetable starts on 3 March, not 3 May.');
  await dialog.getByRole('button', { name: 'Publish with correction' }).click();
  await expect(dialog).toHaveCount(0);

  await reader.page.reload();
  await expect(header.locator('.updated')).toHaveText(/^Updated \d{1,2} \w+ \d{4} at \d\d:\d\d GMT\+9$/);
  const corrections = reader.page.getByRole('region', { name: 'Corrections' });
  await expect(corrections).toContainText('Correction: The new timetable starts on 3 March, not 3 May.');
  await expect(corrections.locator('time')).toHaveText(/GMT\+9/);
  expect(await reader.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await axe(reader.page);
  expect(reader.errors).toEqual([]);
});
