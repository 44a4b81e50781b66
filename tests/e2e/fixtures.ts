import { test as base, expect, type Browser, type Page } from '@playwright/test';
import { createUser, startTestServer, type TestServer, type TestUser } from '../helpers/testServer';

/** Each test gets its own real Galley server on a random port with a fresh data dir. */
export const test = base.extend<{ server: TestServer }>({
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
