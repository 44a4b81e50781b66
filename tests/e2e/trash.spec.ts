/**
 * Archive and the Trash as an editor uses them: a story deleted from its page is in the Trash, restored with
 * its text, deleted again and deleted forever; then the server's database holds no row of it anywhere but the
 * deletion record. And a story archived from its page leaves the newsroom for its Archived view.
 */
import type { Page } from '@playwright/test';
import { sqliteRowsMentioning } from '../helpers/rowsMentioning';
import { createUser, expect, expectSaved, field, signedInPage, test, twoEditorsOnANewStory } from './fixtures';

/** Chooses Archive, Unarchive or Delete story, at the foot of the story page. */
async function storyAction(page: Page, tool: string): Promise<void> {
  await page.getByRole('region', { name: 'Archive or delete' }).getByRole('button', { name: tool, exact: true }).click();
}

async function deleteFromStoryPage(page: Page): Promise<void> {
  await storyAction(page, 'Delete story');
  const dialog = page.getByRole('dialog', { name: 'Delete this story?' });
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByRole('heading', { name: 'Trash', level: 1 })).toBeVisible();
}

test('an editor deletes a story, restores it, deletes it forever, and no row of it is left', async ({ browser, server }) => {
  const editor = await createUser(server, 'editor', 'Ana Editor');
  const page = await signedInPage(browser, server, editor);
  await page.getByRole('button', { name: 'New story' }).click();
  await expect(page).toHaveURL(/\/story\/[0-9a-f-]{36}$/);
  const storyId = page.url().split('/').at(-1)!;
  await field(page, 'Headline').click();
  await page.keyboard.type('Marsh heron count');
  await field(page, 'Body').click();
  await page.keyboard.type('Forty herons on the marsh.');
  await expectSaved(page);

  await deleteFromStoryPage(page);
  const deleted = page.getByRole('list', { name: 'Deleted stories' }).getByRole('listitem');
  await expect(deleted).toHaveCount(1);
  await expect(deleted).toContainText('Marsh heron count');
  await expect(deleted).toContainText('Deleted by Ana Editor');
  await expect(deleted).toContainText('29 days left');

  await page.getByRole('button', { name: 'Restore Marsh heron count' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Marsh heron count is back in the newsroom.' })).toBeVisible();
  await page.goto('/');
  await page.getByRole('link', { name: 'Marsh heron count' }).click();
  await expect(field(page, 'Body')).toHaveText('Forty herons on the marsh.');

  await deleteFromStoryPage(page);
  await page.getByRole('button', { name: 'Delete forever: Marsh heron count' }).click();
  await page.getByRole('dialog', { name: 'Delete forever?' }).getByRole('button', { name: 'Delete forever' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Marsh heron count was deleted forever.' })).toBeVisible();
  await expect(page.getByText('The Trash is empty.')).toBeVisible();
  const history = page.getByRole('list', { name: 'Recent deletions, restores and purges' }).getByRole('listitem');
  await expect(history.first()).toContainText('Deleted forever Marsh heron count by Ana Editor');

  // Straight in the server's SQLite database: every table, every column.
  expect(sqliteRowsMentioning(server.dataDir, storyId)).toEqual(['story_trash_records']);
});

test('a story archived from its page leaves the newsroom for the Archived view, and comes back', async ({ browser, server }) => {
  const writer = await createUser(server, 'writer', 'Wes Writer');
  const page = await signedInPage(browser, server, writer);
  await page.getByRole('button', { name: 'New story' }).click();
  await field(page, 'Headline').click();
  await page.keyboard.type('Old tide tables');
  await expectSaved(page);
  await storyAction(page, 'Archive');
  await expect(page.getByText('Archived', { exact: true })).toBeVisible();

  await page.goto('/');
  await expect(page.getByRole('link', { name: 'Old tide tables' })).toBeHidden();
  await page.getByRole('combobox', { name: 'Show', exact: true }).selectOption('archived');
  await expect(page).toHaveURL(/\?state=archived$/);
  await expect(page.getByRole('heading', { name: 'Archived stories', level: 1 })).toBeVisible();
  await page.getByRole('link', { name: 'Old tide tables' }).click();
  await storyAction(page, 'Unarchive');
  await expect(page.getByText('Archived', { exact: true })).toBeHidden();
  await page.goto('/');
  await expect(page.getByRole('link', { name: 'Old tide tables' })).toBeVisible();
});

test('a writer in a story an editor deletes is told it was deleted, and the newsroom list drops it live', async ({ browser, server }) => {
  const { ana, ben, url } = await twoEditorsOnANewStory(browser, server);
  await field(ana, 'Headline').click();
  await ana.keyboard.type('Kingfisher sightings');
  await expectSaved(ana);
  const newsroom = await ana.context().newPage();
  await newsroom.goto('/');
  await expect(newsroom.getByRole('link', { name: 'Kingfisher sightings' })).toBeVisible();

  await deleteFromStoryPage(ben);
  await expect(ana.getByRole('heading', { name: 'This story cannot be opened', level: 1 })).toBeVisible();
  await expect(ana.getByRole('alert')).toHaveText(/This story was deleted/);
  await expect(newsroom.getByRole('link', { name: 'Kingfisher sightings' })).toBeHidden();
  // Coming back to its address later finds nothing to open either.
  await ana.goto(url);
  await expect(ana.getByRole('heading', { name: 'This story cannot be opened', level: 1 })).toBeVisible();
});
