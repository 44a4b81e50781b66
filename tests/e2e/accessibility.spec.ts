/**
 * axe-core on every page a newsroom uses, as a person reaches it: zero violations on each, the story page
 * with each of its panels and views open, at a desktop and a phone width.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { createUser, expect, expectSaved, field, signedInPage, test } from './fixtures';

/** The page's violations, each with where (the first few targets) so a failure says what to fix. */
async function violations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations.map(
    (v) =>
      `${v.id}: ${v.help} (${v.nodes
        .slice(0, 3)
        .map((n) => n.target.join(' '))
        .join(', ')})`,
  );
}

for (const width of [1280, 390]) {
  test.describe(`at ${width} px`, () => {
    test.use({ viewport: { width, height: width > 500 ? 800 : 844 } });

    test('setup, sign-in, newsroom, accounts, settings and damaged stories have no axe violations', async ({ browser, server }) => {
      const anonymous = await (await browser.newContext({ baseURL: server.url, viewport: { width, height: 800 } })).newPage();
      await anonymous.goto('/setup');
      await expect(anonymous.getByRole('heading', { level: 1 })).toBeVisible();
      expect(await violations(anonymous), 'setup').toEqual([]);

      const admin = await createUser(server, 'admin', 'Ada Admin');
      await anonymous.goto('/signin');
      await expect(anonymous.getByRole('button', { name: 'Sign in' })).toBeVisible();
      expect(await violations(anonymous), 'sign-in').toEqual([]);

      const page = await signedInPage(browser, server, admin);
      await page.setViewportSize({ width, height: 800 });
      expect(await violations(page), 'newsroom').toEqual([]);
      for (const [path, heading] of [
        ['/admin/users', 'Accounts'],
        ['/settings', 'Settings'],
        ['/admin/damaged-stories', 'Damaged stories'],
      ] as const) {
        await page.goto(path);
        await expect(page.getByRole('heading', { name: heading, level: 1 })).toBeVisible();
        expect(await violations(page), path).toEqual([]);
      }
    });

    test('the story page, with each panel and view open, its preview and the public pages have no axe violations', async ({
      browser,
      server,
    }) => {
      const editor = await createUser(server, 'editor', 'Edie Editor');
      const page = await signedInPage(browser, server, editor);
      await page.setViewportSize({ width, height: 844 });
      await page.getByRole('button', { name: 'New story' }).click();
      await expect(field(page, 'Headline')).toBeEditable();
      expect(await violations(page), 'blank story').toEqual([]);

      await field(page, 'Headline').fill('Night buses return');
      await field(page, 'Standfirst').fill('Three routes run again from Friday.');
      await field(page, 'Byline').fill('By Edie Editor');
      await field(page, 'Body').fill('The council restored the routes after a petition.');
      await expectSaved(page);
      expect(await violations(page), 'story').toEqual([]);

      for (const view of ['Who wrote this?', 'Suggesting']) {
        await page.getByRole('button', { name: view }).click();
        await expect(page.getByRole('button', { name: view })).toHaveAttribute('aria-pressed', 'true');
        expect(await violations(page), view).toEqual([]);
        await page.getByRole('button', { name: view }).click();
      }
      for (const panel of [/^Comments/, /^History/]) {
        await page.getByRole('button', { name: panel }).click();
        await expect(page.getByRole('button', { name: panel })).toHaveAttribute('aria-expanded', 'true');
        expect(await violations(page), String(panel)).toEqual([]);
        await page.getByRole('button', { name: panel }).click();
      }

      await page.getByRole('button', { name: 'Publish', exact: true }).click();
      await expect(page.getByRole('button', { name: 'Publish update' })).toBeVisible();
      expect(await violations(page), 'published story').toEqual([]);

      const storyId = new URL(page.url()).pathname.split('/').pop();
      const storyUrl = page.url();
      await page.goto(`/preview/${storyId}`);
      await expect(page.getByRole('heading', { name: 'Night buses return' })).toBeVisible();
      expect(await violations(page), 'preview').toEqual([]);

      const reader = await (await browser.newContext({ baseURL: server.url, viewport: { width, height: 844 } })).newPage();
      await reader.goto('/stories');
      await expect(reader.getByRole('link', { name: 'Night buses return' })).toBeVisible();
      expect(await violations(reader), 'public index').toEqual([]);
      await reader.getByRole('link', { name: 'Night buses return' }).click();
      await expect(reader.getByRole('heading', { name: 'Night buses return' })).toBeVisible();
      expect(await violations(reader), 'public story').toEqual([]);

      // Unpublished: its badge and the save state beside it (once 4.4:1) are readable too.
      await page.goto(storyUrl);
      await page.getByRole('button', { name: 'Unpublish' }).click();
      await page.getByRole('dialog', { name: 'Unpublish this story?' }).getByRole('button', { name: 'Unpublish' }).click();
      await expect(page.getByRole('group', { name: 'Story status' })).toContainText('Unpublished');
      await expectSaved(page);
      expect(await violations(page), 'unpublished story').toEqual([]);
      await page.goto('/');
      await expect(page.getByRole('row').filter({ hasText: 'Night buses return' })).toContainText('Unpublished');
      expect(await violations(page), 'newsroom with an unpublished story').toEqual([]);
    });
  });
}
