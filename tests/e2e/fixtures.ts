import { test as base, expect, type Browser, type Page } from '@playwright/test';
import { createUser, startTestServer, type TestServer, type TestUser } from '../helpers/testServer';

/**
 * Each test gets its own real Galley server on a random port with a fresh data dir, and every browser
 * context it opened is closed after it: left open, each test's pages would keep reconnecting to servers
 * long gone, loading the machine for every test after it.
 */
export const test = base.extend<{ server: TestServer; closeContexts: void }>({
  closeContexts: [
    async ({ browser }, use) => {
      await use();
      await Promise.all(browser.contexts().map((context) => context.close()));
    },
    { auto: true },
  ],
  // Playwright reads a fixture's dependencies from its first parameter's destructuring: none here.
  // eslint-disable-next-line no-empty-pattern
  server: async ({}, use) => {
    const server = await startTestServer();
    await use(server);
    await server.close();
  },
});

export { expect, createUser };

/** Opens a new browser context signed in through the sign-in page, as a person would. */
export async function signedInPage(browser: Browser, server: TestServer, user: TestUser): Promise<Page> {
  const context = await browser.newContext({ baseURL: server.url });
  const page = await context.newPage();
  await page.goto('/signin');
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Newsroom' })).toBeVisible();
  return page;
}

export type FieldName = 'Headline' | 'Standfirst' | 'Byline' | 'Body';

/** A story field's textbox, found by its label as a person (or a screen reader) would. */
export const field = (page: Page, name: FieldName) => page.getByRole('textbox', { name, exact: true });

/** Waits until the page says every change of its own is saved. */
export const expectSaved = (page: Page) => expect(page.getByRole('status').filter({ hasText: 'All changes saved' })).toBeVisible();

/**
 * Signs in a writer ("Ana Writer") and an editor ("Ben Editor") in two browsers; Ana creates a story
 * and Ben opens it. Resolves once both can edit it.
 */
export async function twoEditorsOnANewStory(browser: Browser, server: TestServer): Promise<{ ana: Page; ben: Page; url: string }> {
  const ana = await signedInPage(browser, server, await createUser(server, 'writer', 'Ana Writer'));
  const ben = await signedInPage(browser, server, await createUser(server, 'editor', 'Ben Editor'));
  await ana.getByRole('button', { name: 'New story' }).click();
  await expect(ana).toHaveURL(/\/story\/[0-9a-f-]{36}$/);
  // Ana is in the story before Ben opens it, so Ben finds her there rather than seeing her arrive.
  await expect(field(ana, 'Headline')).toBeEditable({ timeout: 20_000 });
  await ben.goto(ana.url());
  await expect(field(ben, 'Headline')).toBeEditable({ timeout: 20_000 });
  return { ana, ben, url: ana.url() };
}

/** Yjs ends an undo step after 500 ms without a change (captureTimeout); a pause counts from less, for margin. */
const UNDO_PAUSE_MS = 400;

/**
 * Types `text` a key at a time, as a person does, and answers how many pauses between keys were long
 * enough to end an undo step: on a busy machine a burst of typing can pause, and its undo steps with it.
 */
export async function typeBurst(page: Page, text: string): Promise<number> {
  await page.evaluate(() => {
    const times: number[] = [];
    const listener = () => times.push(performance.now());
    document.addEventListener('keydown', listener, { capture: true });
    Object.assign(window, { keyTimes: { times, stop: () => document.removeEventListener('keydown', listener, { capture: true }) } });
  });
  await page.keyboard.type(text);
  const times = await page.evaluate(() => {
    const { keyTimes } = window as unknown as { keyTimes: { times: number[]; stop(): void } };
    keyTimes.stop();
    return keyTimes.times;
  });
  return times.slice(1).filter((at, i) => at - times[i] >= UNDO_PAUSE_MS).length;
}
