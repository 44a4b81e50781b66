import type { Page } from '@playwright/test';
import type { StoryDetail } from '../../shared/api';
import type { TestServer, TestUser } from '../helpers/testServer';
import { createUser, expect, signedInPage, test } from './fixtures';

const OFFLINE = 'Offline — changes kept on this device';
const SAVED = 'All changes saved';
const STORY_URL = /\/story\/([0-9a-f-]{36})$/;

const headline = (page: Page) => page.getByRole('textbox', { name: 'Headline' });
const body = (page: Page) => page.getByRole('textbox', { name: 'Body' });
const saveState = (page: Page) => page.getByRole('status');

async function newStory(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'New story' }).click();
  await expect(page).toHaveURL(STORY_URL);
  await expect(body(page)).toBeEditable();
  return STORY_URL.exec(page.url())![1];
}

/** What the server has stored, read through the API as `user`. */
async function serverText(server: TestServer, user: TestUser, storyId: string): Promise<StoryDetail['text']> {
  const res = await fetch(`${server.url}/api/stories/${storyId}`, { headers: { cookie: user.cookie } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { story: StoryDetail }).story.text;
}

/** Waits until the service worker controls the page and holds every app file the page loaded. */
/** How many updates the story's IndexedDB copy holds (y-indexeddb writes one entry per update). */
function localUpdateCount(page: Page, storyId: string): Promise<number> {
  return page.evaluate(
    (name) =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open(name);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const count = db.transaction('updates', 'readonly').objectStore('updates').count();
          count.onsuccess = () => {
            db.close();
            resolve(count.result);
          };
          count.onerror = () => reject(count.error);
        };
      }),
    `galley-story-${storyId}`,
  );
}

async function waitForOfflineShell(page: Page): Promise<void> {
  await expect
    .poll(() =>
      page.evaluate(async () => {
        if (!navigator.serviceWorker.controller) return false;
        const assets = performance
          .getEntriesByType('resource')
          .map((entry) => entry.name)
          .filter((href) => new URL(href).pathname.startsWith('/assets/'));
        // Workbox keys the app shell by its revision (/index.html?__WB_REVISION__=…).
        const cached = await Promise.all(['/index.html', ...assets].map((url) => caches.match(url, { ignoreSearch: true })));
        return cached.every(Boolean);
      }),
    )
    .toBe(true);
}

test('two editors keep typing while one is offline and converge when it comes back', async ({ browser, server }) => {
  const ana = await createUser(server, 'writer', 'Ana Writer');
  const ben = await createUser(server, 'editor', 'Ben Editor');
  const a = await signedInPage(browser, server, ana);
  const b = await signedInPage(browser, server, ben);
  const storyId = await newStory(a);
  await b.goto(a.url());
  await expect(body(b)).toBeEditable();

  await body(a).click();
  await a.keyboard.type('Council meets on Monday.');
  await expect(body(b)).toHaveText('Council meets on Monday.');
  await expect(saveState(a)).toHaveText(SAVED);

  await a.context().setOffline(true);
  await expect(saveState(a)).toHaveText(new RegExp(`${OFFLINE}|Reconnecting…`));
  // A's caret is still at the end of what it typed.
  await a.keyboard.press('Home');
  await a.keyboard.type('Offline, Ana: ');

  await body(b).click();
  await b.keyboard.type(' Ben adds this.');
  await headline(b).click();
  await b.keyboard.type('Budget vote delayed');
  await expect(saveState(b)).toHaveText(SAVED);

  // A keeps its own edits and has not seen B's.
  await expect(saveState(a)).toHaveText(OFFLINE);
  await expect(body(a)).toHaveText('Offline, Ana: Council meets on Monday.');
  await expect(headline(a)).toHaveText('');

  await a.context().setOffline(false);
  await expect(saveState(a)).toHaveText(SAVED);
  const expected = { headline: 'Budget vote delayed', body: 'Offline, Ana: Council meets on Monday. Ben adds this.' };
  for (const page of [a, b]) {
    await expect(headline(page)).toHaveText(expected.headline);
    await expect(body(page)).toHaveText(expected.body);
  }
  await expect(saveState(b)).toHaveText(SAVED);
  expect(await serverText(server, ana, storyId)).toMatchObject(expected);
  await expect(b.locator('.collaboration-carets__label', { hasText: 'Ana Writer' })).toBeVisible();
  await expect(a.getByRole('alert')).toHaveCount(0);
});

test('a reload while the server is unreachable shows the latest local state', async ({ browser, server }) => {
  const writer = await createUser(server, 'writer');
  const page = await signedInPage(browser, server, writer);
  const storyId = await newStory(page);
  await body(page).click();
  await page.keyboard.type('Saved before the outage.');
  await expect(saveState(page)).toHaveText(SAVED);
  await waitForOfflineShell(page);

  await page.context().setOffline(true);
  await expect(saveState(page)).toHaveText(OFFLINE);
  const storedBefore = await localUpdateCount(page, storyId);
  await page.keyboard.type(' Written offline.');
  await expect(body(page)).toHaveText('Saved before the outage. Written offline.');
  // One update per keystroke: wait until IndexedDB has written them all (its writes are asynchronous).
  await expect.poll(() => localUpdateCount(page, storyId)).toBeGreaterThanOrEqual(storedBefore + ' Written offline.'.length);

  // The reload itself warns: the server lacks the offline edit.
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.type());
    void dialog.accept();
  });
  await page.reload();
  expect(dialogs).toEqual(['beforeunload']);
  await expect(body(page)).toHaveText('Saved before the outage. Written offline.');
  await expect(saveState(page)).toHaveText(OFFLINE);
  await expect(body(page)).toBeEditable();

  await page.context().setOffline(false);
  await expect(saveState(page)).toHaveText(SAVED);
  expect((await serverText(server, writer, storyId)).body).toBe('Saved before the outage. Written offline.');
});

test('closing the tab with unsaved changes warns', async ({ browser, server }) => {
  const writer = await createUser(server, 'writer');
  const first = await signedInPage(browser, server, writer);
  await newStory(first);
  const storyUrl = first.url();
  const dialogs: string[] = [];
  const recordAndAccept = (page: Page) =>
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.type());
      void dialog.accept();
    });

  // Everything saved: the tab closes without asking.
  await body(first).click();
  await first.keyboard.type('Nothing left to save.');
  await expect(saveState(first)).toHaveText(SAVED);
  recordAndAccept(first);
  await Promise.all([first.waitForEvent('close'), first.close({ runBeforeUnload: true })]);
  expect(dialogs).toEqual([]);

  // Edits the server has not acknowledged: closing asks first.
  const second = await first.context().newPage();
  await second.goto(storyUrl);
  await expect(body(second)).toHaveText('Nothing left to save.');
  await expect(saveState(second)).toHaveText(SAVED);
  await second.context().setOffline(true);
  await expect(saveState(second)).toHaveText(OFFLINE);
  await body(second).click();
  await second.keyboard.type(' Not on the server yet.');
  recordAndAccept(second);
  await Promise.all([second.waitForEvent('close'), second.close({ runBeforeUnload: true })]);
  expect(dialogs).toEqual(['beforeunload']);
});

test('signing out deletes the drafts kept on this device', async ({ browser, server }) => {
  const writer = await createUser(server, 'writer');
  const page = await signedInPage(browser, server, writer);
  await newStory(page);
  await body(page).click();
  await page.keyboard.type('Confidential draft.');
  await expect(saveState(page)).toHaveText(SAVED);
  const drafts = () =>
    page.evaluate(async () => (await indexedDB.databases()).map(({ name }) => name).filter((name) => name?.startsWith('galley-story-')));
  expect(await drafts()).toHaveLength(1);
  // A comment written offline and not sent yet is kept the same way (CommentOutbox's key).
  await page.evaluate(
    (userId) => localStorage.setItem(`galley:comment-outbox:${userId}:${location.pathname.split('/').pop()}`, '[]'),
    writer.id,
  );

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/signin$/);
  await expect.poll(drafts).toEqual([]);
  await expect.poll(() => page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('galley:')))).toEqual([]);
});
