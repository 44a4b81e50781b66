import type { Page } from '@playwright/test';
import { createUser, expect, expectSaved, field, signedInPage, test } from './fixtures';

type StoryText = { headline: string; standfirst?: string; byline: string; body: string };

async function newStory(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'New story' }).click();
  await expect(page).toHaveURL(/\/story\/[0-9a-f-]{36}$/);
  await expect(field(page, 'Headline')).toBeEditable();
  return page.url();
}

async function fillStory(page: Page, story: StoryText): Promise<void> {
  await field(page, 'Headline').fill(story.headline);
  if (story.standfirst !== undefined) await field(page, 'Standfirst').fill(story.standfirst);
  await field(page, 'Byline').fill(story.byline);
  await field(page, 'Body').fill(story.body);
  await expectSaved(page);
}

/** The story's status, as the workflow bar shows (and announces) it. */
const workflowStatus = (page: Page, status: string) => page.getByRole('group', { name: 'Story status' }).filter({ hasText: status });

test('a writer submits for review, the editor publishes, and readers find the story on the site and in the feed', async ({
  browser,
  server,
}) => {
  const writer = await createUser(server, 'writer', 'Wes Writer');
  const editor = await createUser(server, 'editor', 'Edie Editor');
  const writerPage = await signedInPage(browser, server, writer);
  const editorPage = await signedInPage(browser, server, editor);
  const editorList = await editorPage.context().newPage();
  await editorList.goto('/');

  const url = await newStory(writerPage);
  await editorPage.goto(url);
  // The first join of a freshly opened page (the status comes with the join answer).
  await expect(workflowStatus(editorPage, 'Draft')).toBeVisible({ timeout: 20_000 });

  await fillStory(writerPage, {
    headline: 'Harbour bridge reopens after repairs',
    standfirst: 'Traffic returns to the crossing two months early.',
    byline: 'By Wes Writer',
    body: 'The bridge reopened at dawn on Monday after repairs to its deck.',
  });
  // The address follows the headline until someone chooses one.
  await expect(writerPage.getByText('/stories/harbour-bridge-reopens-after-repairs', { exact: false })).toBeVisible();
  await expect(writerPage.getByRole('textbox', { name: 'Web address' })).toHaveValue('harbour-bridge-reopens-after-repairs');

  // Writers submit; they cannot publish.
  await expect(writerPage.getByRole('button', { name: 'Publish', exact: true })).toHaveCount(0);
  await writerPage.getByRole('button', { name: 'Submit for review' }).click();
  await expect(workflowStatus(writerPage, 'In review')).toBeVisible();

  // The editor sees it at once, in the story and on the newsroom list.
  await expect(workflowStatus(editorPage, 'In review')).toContainText('by Wes Writer');
  const row = editorList.getByRole('row').filter({ hasText: 'Harbour bridge reopens after repairs' });
  await expect(row).toContainText('In review');
  await expect(row).toContainText('by Wes Writer');

  await expect(editorPage.getByRole('region', { name: 'Pre-publish checks' })).toContainText('Ready to publish');
  await editorPage.getByRole('button', { name: 'Publish', exact: true }).click();
  await expect(editorPage.getByText(/Published by Edie Editor/)).toBeVisible();
  await expect(writerPage.getByText(/Published by Edie Editor/)).toBeVisible();
  await expect(workflowStatus(writerPage, 'Published')).toBeVisible();
  await expect(row).toContainText('Published');
  // Once live, the editor's button publishes an update.
  await expect(editorPage.getByRole('button', { name: 'Publish update' })).toBeVisible();

  const reader = await browser.newContext({ baseURL: server.url });
  const publicPage = await reader.newPage();
  await publicPage.goto('/stories/harbour-bridge-reopens-after-repairs');
  await expect(publicPage.getByRole('heading', { level: 1 })).toHaveText('Harbour bridge reopens after repairs');
  await expect(publicPage.getByText('Traffic returns to the crossing two months early.')).toBeVisible();
  await expect(publicPage.getByText('By Wes Writer')).toBeVisible();
  await expect(publicPage.getByText('The bridge reopened at dawn on Monday after repairs to its deck.')).toBeVisible();

  const feed = await publicPage.goto('/feed.xml');
  expect(feed?.ok()).toBe(true);
  const xml = (await feed?.text()) ?? '';
  expect(xml).toContain('Harbour bridge reopens after repairs');
  expect(xml).toContain('/stories/harbour-bridge-reopens-after-repairs');
  await reader.close();
});

test('checks show by their fields, and a story sent back shows the editor’s note to the writer', async ({ browser, server }) => {
  const writer = await createUser(server, 'writer', 'Wes Writer');
  const editor = await createUser(server, 'editor', 'Edie Editor');
  const writerPage = await signedInPage(browser, server, writer);
  const editorPage = await signedInPage(browser, server, editor);

  const url = await newStory(writerPage);
  await fillStory(writerPage, {
    headline: 'Library extends opening hours',
    byline: 'By Wes Writer',
    body: 'From March the library opens until nine.',
  });
  await writerPage.getByRole('button', { name: 'Submit for review' }).click();
  // Submitting does not need a standfirst, but from now on the writer sees what is missing.
  await expect(workflowStatus(writerPage, 'In review')).toBeVisible();
  await expect(field(writerPage, 'Standfirst')).toHaveAccessibleDescription(/Add a standfirst/);

  await editorPage.goto(url);
  const checks = editorPage.getByRole('region', { name: 'Pre-publish checks' });
  await expect(checks).toContainText('Add a standfirst');
  await editorPage.getByRole('button', { name: 'Publish', exact: true }).click();
  const standfirst = editorPage.locator('.field--standfirst');
  await expect(standfirst.locator('.field-error')).toHaveText(/Add a standfirst/);
  await expect(field(editorPage, 'Standfirst')).toHaveAccessibleDescription(/Add a standfirst/);
  await expect(field(editorPage, 'Standfirst')).toHaveAttribute('aria-invalid', 'true');
  await expect(workflowStatus(editorPage, 'In review')).toBeVisible();

  await editorPage.getByRole('button', { name: 'Send back' }).click();
  const dialog = editorPage.getByRole('dialog', { name: 'Send back to draft' });
  await dialog.getByLabel('Note').fill('Please add a standfirst with the new hours.');
  await dialog.getByRole('button', { name: 'Send back' }).click();
  await expect(dialog).toHaveCount(0);

  await expect(workflowStatus(writerPage, 'Draft')).toContainText('by Edie Editor');
  await expect(writerPage.getByText('Please add a standfirst with the new hours.')).toBeVisible();
  await expect(editorPage.getByText('Please add a standfirst with the new hours.')).toBeVisible();

  // The writer fixes it; the message by the field goes as the text arrives.
  await field(writerPage, 'Standfirst').fill('Longer evenings for readers from March.');
  await expect(field(writerPage, 'Standfirst')).not.toHaveAccessibleDescription(/Add a standfirst/);
  await expect(checks).toContainText('Ready to publish');
  await writerPage.getByRole('button', { name: 'Submit for review' }).click();
  await expect(workflowStatus(editorPage, 'In review')).toBeVisible();
  // The note belonged to the draft.
  await expect(writerPage.getByText('Please add a standfirst with the new hours.')).toHaveCount(0);
});

test('history compares a revision with the draft, restores it for everyone, and the restore can be undone', async ({ browser, server }) => {
  const editor = await createUser(server, 'editor', 'Edie Editor');
  const writer = await createUser(server, 'writer', 'Wes Writer');
  const editorPage = await signedInPage(browser, server, editor);
  const writerPage = await signedInPage(browser, server, writer);

  const url = await newStory(editorPage);
  await writerPage.goto(url);
  await fillStory(editorPage, {
    headline: 'Tram line gets a new stop',
    standfirst: 'Riders in the east end gain a direct link.',
    byline: 'By Edie Editor',
    body: 'The first trams will stop at Mill Road in May.',
  });
  await editorPage.getByRole('button', { name: 'Publish', exact: true }).click();
  await expect(writerPage.getByText(/Published by Edie Editor/)).toBeVisible();

  await field(writerPage, 'Body').fill('The first trams will stop at Mill Road and at Quay Street in June.');
  await expect(field(editorPage, 'Body')).toHaveText('The first trams will stop at Mill Road and at Quay Street in June.');
  await expectSaved(writerPage);

  await writerPage.getByRole('button', { name: 'History' }).click();
  const history = writerPage.getByRole('region', { name: 'History' });
  await expect(history.getByRole('heading', { name: /Revision 1/ })).toContainText('Tram line gets a new stop');
  await expect(history).toContainText('Published by Edie Editor');
  await expect(history.getByRole('link', { name: /^View/ })).toHaveAttribute('href', /\/preview\/[0-9a-f-]{36}\/revisions\/1$/);

  await history.getByRole('button', { name: 'Compare with draft' }).click();
  const comparison = writerPage.getByRole('region', { name: 'Revision 1 compared with the draft' });
  await expect(comparison.locator('ins').first()).toBeVisible();
  await expect(comparison.locator('ins', { hasText: 'Quay' })).toHaveCount(1);
  await expect(comparison.locator('del', { hasText: 'May' })).toHaveCount(1);

  await history.getByRole('button', { name: 'Restore this version' }).click();
  const confirm = writerPage.getByRole('dialog', { name: 'Restore revision 1?' });
  await confirm.getByRole('button', { name: 'Restore' }).click();
  await expect(confirm).toHaveCount(0);
  for (const page of [writerPage, editorPage]) {
    await expect(field(page, 'Body')).toHaveText('The first trams will stop at Mill Road in May.');
  }

  await writerPage.getByRole('button', { name: 'Undo restore' }).click();
  await expect(writerPage.getByRole('status').filter({ hasText: 'Restore of revision 1 undone' })).toBeVisible();
  for (const page of [writerPage, editorPage]) {
    await expect(field(page, 'Body')).toHaveText('The first trams will stop at Mill Road and at Quay Street in June.');
  }
  // Nothing was published by restoring: the public page still has revision 1.
  await expect(workflowStatus(editorPage, 'Published')).toBeVisible();

  // A second publication: the two revisions compare with each other.
  await editorPage.getByRole('button', { name: 'Publish update' }).click();
  await expect(history.getByRole('heading', { name: /Revision 2/ })).toBeVisible();
  await history.getByRole('button', { name: 'Compare with revision 1' }).click();
  const between = writerPage.getByRole('region', { name: 'Revision 1 compared with revision 2' });
  await expect(between.locator('ins', { hasText: 'Quay' })).toHaveCount(1);
  await expect(between.locator('del', { hasText: 'May' })).toHaveCount(1);
});

test('the web address and the workflow buttons say what is true in each state, for a writer and an editor', async ({ browser, server }) => {
  const writerPage = await signedInPage(browser, server, await createUser(server, 'writer', 'Wes Writer'));
  const editorPage = await signedInPage(browser, server, await createUser(server, 'editor', 'Edie Editor'));
  const url = await newStory(writerPage);
  await editorPage.goto(url);
  await expect(workflowStatus(editorPage, 'Draft')).toBeVisible({ timeout: 20_000 });
  const hint = (page: Page) => page.locator('.web-address .form-field__hint');

  // A blank story has no address yet, and says so in words (not an encoded ellipsis).
  await expect(hint(writerPage)).toHaveText('The web address is made from the headline, once it has one.');
  // Editors publish; "Submit for review" is the writer's button.
  await expect(editorPage.getByRole('button', { name: 'Publish', exact: true })).toBeVisible();
  await expect(editorPage.getByRole('button', { name: /Submit/ })).toHaveCount(0);
  await expect(writerPage.getByRole('button', { name: 'Submit for review' })).toBeVisible();

  await fillStory(writerPage, {
    headline: 'Night buses return',
    standfirst: 'Three routes run again from Friday.',
    byline: 'By Wes Writer',
    body: 'The council restored the routes after a petition.',
  });
  await expect(hint(writerPage)).toContainText('Will be published at');
  await expect(hint(writerPage)).toContainText('/stories/night-buses-return, made from the headline until you choose one.');

  await editorPage.getByRole('button', { name: 'Publish', exact: true }).click();
  await expect(workflowStatus(writerPage, 'Published')).toBeVisible();
  await expect(hint(writerPage)).toContainText('Published at');
  // On a live story the writer's review is of the changes since.
  await expect(writerPage.getByRole('button', { name: 'Submit changes for review' })).toBeVisible();
  await expect(editorPage.getByRole('button', { name: /Submit/ })).toHaveCount(0);

  await editorPage.getByRole('button', { name: 'Unpublish' }).click();
  await editorPage.getByRole('dialog', { name: 'Unpublish this story?' }).getByRole('button', { name: 'Unpublish' }).click();
  await expect(workflowStatus(writerPage, 'Unpublished')).toBeVisible();
  for (const page of [writerPage, editorPage]) {
    await expect(hint(page)).toContainText('Was published at');
    await expect(hint(page)).toContainText('not public now.');
  }
  await expect(writerPage.getByRole('button', { name: 'Submit for review' })).toBeVisible();
});
