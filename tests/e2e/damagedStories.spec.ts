/**
 * Storage faults as people see them: an editor opening a story with a damaged stored row gets a calm
 * notice and the rest of the story; an admin finds it under "Damaged stories" and marks it reviewed.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import * as Y from 'yjs';
import { newDraft } from '../../server/workflow/workflowState';
import type { TestServer, TestUser } from '../helpers/testServer';
import { createUser, expect, field, signedInPage, test } from './fixtures';

const NOTICE = 'Part of this story’s saved history could not be read. Everything else is here; an administrator has been told.';
const XSS_HEADLINE = '<img src=x onerror=alert(1)>Harbour <b>report</b>';

// Close this test's browsers before its server stops: nothing is left reconnecting to a closed port.
test.afterEach(async ({ browser }) => {
  await Promise.all(browser.contexts().map((context) => context.close()));
});

/**
 * A story as a writer's edits stored it, one row per edit, with its last row cut short as a torn write
 * would leave it. Written straight to the store, so the server first reads it when someone opens it.
 */
async function storyWithTornRow(server: TestServer, author: TestUser, headline: string, words: string[]): Promise<string> {
  const storyId = crypto.randomUUID();
  await server.store.createStory(newDraft(storyId, author, new Date().toISOString()));
  const doc = new Y.Doc();
  const rows: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => rows.push(update));
  const paragraph = (text: string) => {
    const p = new Y.XmlElement('paragraph');
    p.insert(0, [new Y.XmlText(text)]);
    return p;
  };
  doc.getXmlFragment('headline').insert(0, [paragraph(headline)]);
  doc.getXmlFragment('body').insert(0, [paragraph('')]);
  const text = (doc.getXmlFragment('body').get(0) as Y.XmlElement).get(0) as Y.XmlText;
  for (const word of words) text.insert(text.length, `${word} `);
  const torn = rows.at(-1)!.slice(0, -1);
  await server.store.appendUpdates([...rows.slice(0, -1), torn].map((update) => ({ storyId, update })));
  // What the newsroom list would show once the story had been edited: its headline.
  await server.store.touchStory(storyId, headline, null);
  return storyId;
}

const damagedPage = (page: Page) => page.getByRole('heading', { name: 'Damaged stories', level: 1 });

test('an editor sees a notice and the rest of a damaged story; an admin reviews it', async ({ browser, server }) => {
  const admin = await createUser(server, 'admin', 'Ada Admin');
  const writer = await createUser(server, 'writer', 'Wes Writer');
  const storyId = await storyWithTornRow(server, writer, 'Council budget', ['Rates', 'rise', 'lost']);

  const writerPage = await signedInPage(browser, server, writer);
  await writerPage.goto(`/story/${storyId}`);
  const notice = writerPage.getByRole('status').filter({ hasText: NOTICE });
  await expect(notice).toBeVisible();
  await expect(field(writerPage, 'Body')).toHaveText('Rates rise ');
  // Not in the way: the story is editable and an edit is saved.
  await field(writerPage, 'Body').click();
  await writerPage.keyboard.press('End');
  await writerPage.keyboard.type('again.');
  await expect(writerPage.getByRole('status').filter({ hasText: 'All changes saved' })).toBeVisible();
  // What this adds to the story page (the page's older findings are issue 16's).
  const noticeAxe = () => new AxeBuilder({ page: writerPage }).include('.banner--notice').analyze();
  expect((await noticeAxe()).violations).toEqual([]);
  await writerPage.setViewportSize({ width: 390, height: 844 });
  await notice.scrollIntoViewIfNeeded();
  await expect(notice).toBeInViewport({ ratio: 1 });
  expect((await notice.boundingBox())!.width).toBeLessThanOrEqual(390);
  expect((await noticeAxe()).violations).toEqual([]);
  await writerPage.screenshot({ path: test.info().outputPath('notice-390.png') });
  // Writers have no way into the admin list.
  await expect(writerPage.getByRole('link', { name: 'Damaged stories' })).toHaveCount(0);

  const adminPage = await signedInPage(browser, server, admin);
  await adminPage.setViewportSize({ width: 1280, height: 900 });
  await adminPage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Damaged stories' }).click();
  await expect(damagedPage(adminPage)).toBeVisible();
  const row = adminPage.getByRole('row', { name: /Council budget/ });
  await expect(row.getByRole('link', { name: 'Council budget' })).toHaveAttribute('href', `/story/${storyId}`);
  await expect(row.getByRole('cell', { name: '1 row set aside' })).toBeVisible();
  await expect(row.getByRole('listitem')).toHaveText([/^Does not decode \(.+\)$/]);
  await expect(row.locator('time')).toHaveCount(1);
  expect((await new AxeBuilder({ page: adminPage }).analyze()).violations).toEqual([]);
  await adminPage.screenshot({ path: test.info().outputPath('damaged-stories-1280.png'), fullPage: true });

  await adminPage.setViewportSize({ width: 390, height: 844 });
  const review = row.getByRole('button', { name: 'Mark as reviewed: Council budget' });
  await review.scrollIntoViewIfNeeded();
  await expect(review).toBeInViewport({ ratio: 1 });
  expect(await adminPage.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  expect((await new AxeBuilder({ page: adminPage }).analyze()).violations).toEqual([]);
  await adminPage.screenshot({ path: test.info().outputPath('damaged-stories-390.png'), fullPage: true });

  // The headline leads to the story.
  await row.getByRole('link', { name: 'Council budget' }).click();
  await expect(adminPage).toHaveURL(new RegExp(`/story/${storyId}$`));
  await expect(adminPage.getByRole('status').filter({ hasText: NOTICE })).toBeVisible();
  await adminPage.goBack();
  await expect(damagedPage(adminPage)).toBeVisible();

  await adminPage.getByRole('button', { name: 'Mark as reviewed: Council budget' }).click();
  await expect(
    adminPage.getByRole('status').filter({ hasText: 'Council budget: 1 row marked as reviewed. They are kept in quarantine.' }),
  ).toBeVisible();
  await expect(adminPage.getByText('No damaged stories: everything stored could be read.')).toBeVisible();
  expect((await server.store.listQuarantine()).map((q) => q.resolvedBy)).toEqual(['Ada Admin']);

  // Editors who open the story from now on are not told again.
  await writerPage.reload();
  await expect(field(writerPage, 'Body')).toHaveText('Rates rise again.');
  await expect(writerPage.getByText(NOTICE)).toHaveCount(0);
});

test('a headline is shown as text in the list, whatever it holds', async ({ browser, server }) => {
  const admin = await createUser(server, 'admin', 'Ada Admin');
  const storyId = await storyWithTornRow(server, admin, XSS_HEADLINE, ['one', 'two']);
  const adminPage = await signedInPage(browser, server, admin);
  let dialogs = 0;
  adminPage.on('dialog', (dialog) => {
    dialogs++;
    void dialog.dismiss();
  });
  await adminPage.goto(`/story/${storyId}`);
  await expect(adminPage.getByRole('status').filter({ hasText: NOTICE })).toBeVisible();
  await adminPage.goto('/admin/damaged-stories');
  const link = adminPage.getByRole('link', { name: XSS_HEADLINE });
  await expect(link).toHaveText(XSS_HEADLINE);
  await expect(adminPage.locator('table.damaged img, table.damaged b')).toHaveCount(0);
  expect(dialogs).toBe(0);
});

test('the list is for admins only', async ({ browser, server }) => {
  const editor = await createUser(server, 'editor', 'Eddie Editor');
  const page = await signedInPage(browser, server, editor);
  await expect(page.getByRole('link', { name: 'Damaged stories' })).toHaveCount(0);
  await page.goto('/admin/damaged-stories');
  await expect(damagedPage(page)).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Not available to you', level: 1 })).toBeVisible();
});
