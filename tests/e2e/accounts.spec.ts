import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import type { TestServer } from '../helpers/testServer';
import { createUser, expect, signedInPage, test } from './fixtures';

const STORY_URL = /\/story\/[0-9a-f-]{36}$/;
const SESSION_ENDED = 'Your session has ended. Sign in again.';
const DOWNGRADED = 'Your role was changed: you can read this story but not edit it.';

const body = (page: Page) => page.getByRole('textbox', { name: 'Body' });
const accountRow = (page: Page, name: string) => page.getByRole('row', { name: new RegExp(name) });

async function newStory(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'New story' }).click();
  await expect(page).toHaveURL(STORY_URL);
  await expect(body(page)).toBeEditable();
}

async function openAccounts(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'Accounts' }).click();
  await expect(page.getByRole('heading', { name: 'Accounts' })).toBeVisible();
}

async function signInAs(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Accepts the next confirm() and returns its question. */
function acceptNextConfirm(page: Page): Promise<string> {
  return new Promise((resolve) => {
    page.once('dialog', (dialog) => {
      resolve(dialog.message());
      void dialog.accept();
    });
  });
}

const storyDrafts = (page: Page) =>
  page.evaluate(async () => (await indexedDB.databases()).map(({ name }) => name).filter((name) => name?.startsWith('galley-story-')));

// Close this test's browsers before its server stops: nothing is left reconnecting to a closed port.
test.afterEach(async ({ browser }) => {
  await Promise.all(browser.contexts().map((context) => context.close()));
});

const apiStatus = async (server: TestServer, headers: Record<string, string>) =>
  (await fetch(`${server.url}/api/stories`, { headers })).status;

test('an admin makes a writer with a story open a viewer, then a writer again, without a reload', async ({ browser, server }) => {
  const admin = await createUser(server, 'admin', 'Ada Admin');
  const writer = await createUser(server, 'writer', 'Wes Writer');
  const adminPage = await signedInPage(browser, server, admin);
  const writerPage = await signedInPage(browser, server, writer);

  await newStory(writerPage);
  await body(writerPage).click();
  await writerPage.keyboard.type('Flood barriers go up on the quay.');
  const adminStory = await adminPage.context().newPage();
  await adminStory.goto(writerPage.url());
  await expect(body(adminStory)).toHaveText('Flood barriers go up on the quay.');

  await openAccounts(adminPage);
  const role = accountRow(adminPage, 'Wes Writer').getByLabel('Role for Wes Writer');
  await expect(role).toHaveValue('writer');
  await role.selectOption('viewer');
  await expect(adminPage.getByRole('status')).toHaveText('Wes Writer is now a viewer.');

  // The writer's open story turns read-only at once: no reload.
  const notice = writerPage.getByRole('status').filter({ hasText: DOWNGRADED });
  await expect(notice).toBeVisible();
  await expect(body(writerPage)).not.toBeEditable();
  await expect(writerPage.getByRole('textbox', { name: 'Headline' })).not.toBeEditable();
  await expect(writerPage.getByRole('toolbar', { name: 'Body formatting' })).toHaveCount(0);
  await expect(writerPage.getByRole('button', { name: 'Publish' })).toHaveCount(0);
  // Keys do nothing now.
  await body(writerPage).click();
  await writerPage.keyboard.type('Ignored.');
  await expect(body(writerPage)).toHaveText('Flood barriers go up on the quay.');
  // The header follows the new role too.
  await expect(writerPage.getByText('viewer', { exact: true })).toBeVisible();

  await role.selectOption('writer');
  await expect(adminPage.getByRole('status')).toHaveText('Wes Writer is now a writer.');
  await expect(body(writerPage)).toBeEditable();
  await expect(notice).toHaveCount(0);
  await expect(writerPage.getByRole('toolbar', { name: 'Body formatting' })).toBeVisible();

  await body(writerPage).click();
  await writerPage.keyboard.press('ControlOrMeta+End');
  await writerPage.keyboard.type(' Residents are asked to move cars.');
  await expect(body(adminStory)).toHaveText('Flood barriers go up on the quay. Residents are asked to move cars.');
  await expect(writerPage.getByRole('alert')).toHaveCount(0);
});

test('a deactivated user is sent to sign-in at once, keeps their drafts, and cannot sign in until reactivated', async ({
  browser,
  server,
}) => {
  const admin = await createUser(server, 'admin', 'Ada Admin');
  const leaver = await createUser(server, 'editor', 'Lee Leaver');
  const adminPage = await signedInPage(browser, server, admin);
  const leaverPage = await signedInPage(browser, server, leaver);
  await newStory(leaverPage);
  const storyUrl = leaverPage.url();
  await body(leaverPage).click();
  await leaverPage.keyboard.type('Draft kept on this device.');
  await expect(leaverPage.getByRole('status').filter({ hasText: 'All changes saved' })).toBeVisible();

  await openAccounts(adminPage);
  const row = accountRow(adminPage, 'Lee Leaver');
  const question = acceptNextConfirm(adminPage);
  await row.getByRole('button', { name: 'Deactivate' }).click();
  expect(await question).toMatch(/^Deactivate Lee Leaver\?/);
  await expect(row.getByRole('cell', { name: 'Deactivated' })).toBeVisible();
  await expect(row.getByRole('button', { name: 'Reactivate' })).toBeVisible();

  await expect(leaverPage).toHaveURL(/\/signin\?next=/);
  await expect(leaverPage.getByRole('alert')).toHaveText(SESSION_ENDED);
  // The session ended; the person did not sign out: their local copy stays for when they are back.
  expect(await storyDrafts(leaverPage)).toHaveLength(1);

  await signInAs(leaverPage, leaver.email, leaver.password);
  await expect(leaverPage.getByRole('alert')).toHaveText('Email or password is incorrect');
  await expect(leaverPage).toHaveURL(/\/signin/);

  await row.getByRole('button', { name: 'Reactivate' }).click();
  await expect(row.getByRole('cell', { name: 'Active', exact: true })).toBeVisible();
  await signInAs(leaverPage, leaver.email, leaver.password);
  await expect(leaverPage).toHaveURL(storyUrl);
  await expect(body(leaverPage)).toHaveText('Draft kept on this device.');
  await expect(body(leaverPage)).toBeEditable();
});

test('an API token is shown once, works against the API, and stops working when revoked', async ({ browser, server }) => {
  const writer = await createUser(server, 'writer', 'Tess Token');
  const page = await signedInPage(browser, server, writer);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
  await expect(page.getByText('You have no API tokens.')).toBeVisible();

  await page.getByLabel('Token name').fill('Wire importer');
  await page.getByRole('button', { name: 'Create token' }).click();
  const shown = page.getByRole('textbox', { name: 'New token' });
  await expect(shown).toHaveValue(/^glt_/);
  await expect(shown).not.toBeEditable();
  await expect(page.getByText('Copy it now: it will not be shown again.')).toBeVisible();
  const token = await shown.inputValue();
  await page.getByRole('button', { name: 'Copy', exact: true }).click();
  await expect(page.getByRole('status')).toHaveText('Copied to the clipboard.');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);

  expect(await apiStatus(server, { authorization: `Bearer ${token}` })).toBe(200);

  // Shown once: after a reload only its summary is listed, now with a last use.
  await page.reload();
  const row = page.getByRole('row', { name: /Wire importer/ });
  await expect(row).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'New token' })).toHaveCount(0);
  await expect(page.getByText(token)).toHaveCount(0);
  await expect(row.getByRole('cell', { name: 'Active' })).toBeVisible();
  await expect(row.getByRole('cell', { name: 'Never' })).toHaveCount(0);

  const question = acceptNextConfirm(page);
  await row.getByRole('button', { name: 'Revoke' }).click();
  expect(await question).toContain('Wire importer');
  await expect(row.getByRole('cell', { name: /Revoked/ })).toBeVisible();
  await expect(row.getByRole('button', { name: 'Revoke' })).toHaveCount(0);
  expect(await apiStatus(server, { authorization: `Bearer ${token}` })).toBe(401);
});

test('a content token, made at 390 px, reads the content API and nothing else', async ({ browser, server }) => {
  const writer = await createUser(server, 'writer', 'Cora Content');
  const page = await signedInPage(browser, server, writer);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();

  await page.getByLabel('Token name').fill('Public front-end');
  const scope = page.getByRole('group', { name: 'What it may do' });
  await expect(scope.getByRole('radio', { name: /Everything your role may/ })).toBeChecked();
  await scope.getByRole('radio', { name: /Read published stories only/ }).check();
  await page.getByRole('button', { name: 'Create token' }).click();
  const token = await page.getByRole('textbox', { name: 'New token' }).inputValue();
  expect(token).toMatch(/^glt_/);
  const row = page.getByRole('row', { name: /Public front-end/ });
  await expect(row.getByRole('cell', { name: 'Read content' })).toBeVisible();
  // The form is ready for the next one, full by default.
  await expect(scope.getByRole('radio', { name: /Everything your role may/ })).toBeChecked();

  const status = async (path: string) => (await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } })).status;
  expect(await status('/api/content/v1/stories')).toBe(200);
  expect(await status('/api/stories')).toBe(401);

  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  const { violations } = await new AxeBuilder({ page }).analyze();
  expect(violations).toEqual([]);
});

test('changing the password: a wrong current one is refused by its field; then only the new one signs in', async ({ browser, server }) => {
  const writer = await createUser(server, 'writer', 'Pat Password');
  const page = await signedInPage(browser, server, writer);
  await page.getByRole('link', { name: 'Settings' }).click();

  const current = page.getByLabel('Current password');
  const next = page.getByLabel('New password');
  await current.fill('not my password');
  await next.fill('a brand new passphrase');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByRole('alert')).toHaveText('Your current password is not right');
  await expect(current).toHaveAccessibleDescription('Not right');

  await current.fill(writer.password);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByRole('status')).toHaveText('Your password was changed. You were signed out on your other devices.');
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(current).toHaveValue('');
  // This session carries on; the account's other one (made by createUser) has ended.
  expect(await apiStatus(server, { cookie: writer.cookie })).toBe(401);

  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(page).toHaveURL(/\/signin$/);
  await signInAs(page, writer.email, writer.password);
  await expect(page.getByRole('alert')).toHaveText('Email or password is incorrect');
  await signInAs(page, writer.email, 'a brand new passphrase');
  await expect(page.getByRole('heading', { name: 'Newsroom' })).toBeVisible();
});

test('sign out everywhere signs this browser out, like Sign out, and ends the session on every other device', async ({
  browser,
  server,
}) => {
  const writer = await createUser(server, 'writer', 'Sam Sessions');
  const laptop = await signedInPage(browser, server, writer);
  const phone = await signedInPage(browser, server, writer);
  await newStory(laptop);
  await body(laptop).click();
  await laptop.keyboard.type('Confidential draft.');
  await expect(laptop.getByRole('status').filter({ hasText: 'All changes saved' })).toBeVisible();
  expect(await storyDrafts(laptop)).toHaveLength(1);

  await laptop.getByRole('link', { name: 'Settings' }).click();
  await laptop.getByRole('button', { name: 'Sign out everywhere' }).click();
  // Asked for, so no "session ended" here, and the drafts go as with Sign out.
  await expect(laptop).toHaveURL(/\/signin$/);
  await expect(laptop.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await expect(laptop.getByRole('alert')).toHaveCount(0);
  await expect.poll(() => storyDrafts(laptop)).toEqual([]);

  await expect(phone).toHaveURL(/\/signin$/);
  await expect(phone.getByRole('alert')).toHaveText(SESSION_ENDED);
  expect(await apiStatus(server, { cookie: writer.cookie })).toBe(401);
});

test('an admin sets a password from Accounts; refusals from the server are shown', async ({ browser, server }) => {
  const admin = await createUser(server, 'admin', 'Ada Admin');
  const other = await createUser(server, 'admin', 'Otto Other');
  const writer = await createUser(server, 'writer', 'Rita Reset');
  const adminPage = await signedInPage(browser, server, admin);
  const writerPage = await signedInPage(browser, server, writer);
  await openAccounts(adminPage);
  // Your own account is managed from Settings, not from this list.
  await expect(accountRow(adminPage, 'Ada Admin').getByRole('combobox')).toHaveCount(0);

  const row = accountRow(adminPage, 'Rita Reset');
  await row.getByRole('button', { name: 'More actions for Rita Reset' }).click();
  await row.getByRole('button', { name: 'Set password' }).click();
  const dialog = adminPage.getByRole('dialog', { name: 'Set password for Rita Reset' });
  const field = dialog.getByLabel('New password for Rita Reset');
  await expect(field).toBeFocused();
  await field.fill('short');
  await dialog.getByRole('button', { name: 'Set password' }).click();
  await expect(field).toHaveAccessibleDescription(/Password must be at least \d+ characters/);
  await field.fill('a password from the admin');
  await dialog.getByRole('button', { name: 'Set password' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(adminPage.getByRole('status')).toHaveText('Rita Reset has a new password and was signed out everywhere.');

  await expect(writerPage.getByRole('alert')).toHaveText(SESSION_ENDED);
  await signInAs(writerPage, writer.email, 'a password from the admin');
  await expect(writerPage.getByRole('heading', { name: 'Newsroom' })).toBeVisible();

  // Another admin makes this one an editor behind their back: the next change is refused, and said so.
  const demote = await fetch(`${server.url}/api/users/${admin.id}`, {
    method: 'PATCH',
    headers: { cookie: other.cookie, 'content-type': 'application/json' },
    body: JSON.stringify({ role: 'editor' }),
  });
  expect(demote.status).toBe(200);
  await row.getByLabel('Role for Rita Reset').selectOption('viewer');
  await expect(adminPage.getByRole('alert')).toHaveText('Your role (editor) may not do this');
  await expect(row.getByLabel('Role for Rita Reset')).toHaveValue('writer');
});
