import { createUser, expect, signedInPage, test } from './fixtures';

test('two users co-write a story, see each other’s named carets, and the editor publishes it', async ({ browser, server }) => {
  const editor = await createUser(server, 'editor', 'Edie Editor');
  const writer = await createUser(server, 'writer', 'Wes Writer');
  const editorPage = await signedInPage(browser, server, editor);
  const writerPage = await signedInPage(browser, server, writer);

  await editorPage.getByRole('button', { name: 'New story' }).click();
  await expect(editorPage).toHaveURL(/\/story\/[0-9a-f-]{36}$/);
  await writerPage.goto(editorPage.url());

  const headline = (page: typeof editorPage) => page.getByRole('textbox', { name: 'Headline' });
  const body = (page: typeof editorPage) => page.getByRole('textbox', { name: 'Body' });
  await expect(headline(writerPage)).toBeVisible();
  await expect(headline(editorPage)).toBeEditable();
  await expect(body(writerPage)).toBeEditable();

  // Both type at the same time, in different fields.
  await headline(editorPage).click();
  await body(writerPage).click();
  await Promise.all([
    editorPage.keyboard.type('Night buses return to the city centre', { delay: 15 }),
    writerPage.keyboard.type('Services resume on Friday after a two-year pause.', { delay: 15 }),
  ]);

  await expect(headline(writerPage)).toHaveText('Night buses return to the city centre');
  await expect(body(editorPage)).toHaveText('Services resume on Friday after a two-year pause.');

  // Each sees the other's caret, labelled with their name, in the field they are in.
  await expect(editorPage.locator('.collaboration-carets__label', { hasText: 'Wes Writer' })).toBeVisible();
  await expect(writerPage.locator('.collaboration-carets__label', { hasText: 'Edie Editor' })).toBeVisible();
  const people = editorPage.getByRole('list', { name: 'People in this story' });
  await expect(people.getByRole('button', { name: /^Wes Writer/ })).toBeVisible();

  // The rest of the copy the pre-publish checks ask for.
  await editorPage.getByRole('textbox', { name: 'Standfirst' }).click();
  await editorPage.keyboard.type('Late services are back after two years.');
  await editorPage.getByRole('textbox', { name: 'Byline' }).click();
  await editorPage.keyboard.type('Edie Editor');
  await expect(writerPage.getByRole('textbox', { name: 'Byline' })).toHaveText('Edie Editor');

  // Writers may not publish: the button is absent for them.
  await expect(writerPage.getByRole('button', { name: 'Publish' })).toHaveCount(0);

  await editorPage.getByRole('button', { name: 'Publish' }).click();
  await expect(editorPage.getByText(/Published by Edie Editor/)).toBeVisible();
  // Everyone in the story sees it at once.
  await expect(writerPage.getByText(/Published by Edie Editor/)).toBeVisible();

  // Closing the writer's tab removes them from the editor's view within seconds.
  await writerPage.close();
  await expect(people.getByRole('button', { name: /^Wes Writer/ })).toHaveCount(0, { timeout: 5_000 });
  await expect(editorPage.locator('.collaboration-carets__label', { hasText: 'Wes Writer' })).toHaveCount(0);

  const reader = await browser.newContext({ baseURL: server.url });
  const publicPage = await reader.newPage();
  await publicPage.goto('/stories/night-buses-return-to-the-city-centre');
  await expect(publicPage.getByRole('heading', { level: 1 })).toHaveText('Night buses return to the city centre');
  await expect(publicPage.getByText('Services resume on Friday after a two-year pause.')).toBeVisible();
  await publicPage.goto('/stories');
  await expect(publicPage.getByRole('link', { name: /Night buses return/ })).toBeVisible();
});

test('a fresh install asks for the first admin, who can then add accounts and sign out', async ({ browser, server }) => {
  const context = await browser.newContext({ baseURL: server.url });
  const page = await context.newPage();
  await page.goto('/');
  await expect(page).toHaveURL(/\/setup$/);
  await page.getByLabel('Name').fill('Alex Admin');
  await page.getByLabel('Email').fill('alex@example.test');
  await page.getByLabel('Password').fill('a long admin password');
  await page.getByRole('button', { name: 'Create admin account' }).click();
  await expect(page.getByRole('heading', { name: 'Newsroom' })).toBeVisible();

  await page.getByRole('link', { name: 'Accounts' }).click();
  await page.getByLabel('Name').fill('Vic Viewer');
  await page.getByLabel('Email').fill('vic@example.test');
  await page.getByLabel('Password').fill('a long viewer password');
  await page.getByLabel('Role').selectOption('viewer');
  await page.getByRole('button', { name: 'Add account' }).click();
  await expect(page.getByRole('cell', { name: 'vic@example.test' })).toBeVisible();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/signin$/);
  await page.getByLabel('Email').fill('vic@example.test');
  await page.getByLabel('Password').fill('a long viewer password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Newsroom' })).toBeVisible();
  // Viewers read but do not create.
  await expect(page.getByRole('button', { name: 'New story' })).toHaveCount(0);
});
