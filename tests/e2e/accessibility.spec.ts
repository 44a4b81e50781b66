/**
 * axe-core on every page a newsroom uses, as a person reaches it: zero violations on each, the story page
 * with each of its panels and views open, at a desktop and a phone width.
 */
import { randomUUID } from 'node:crypto';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { call } from '../helpers/http';
import { newDraft } from '../../server/workflow/workflowState';
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

    test('setup, sign-in, newsroom, accounts, settings, damaged stories and the Trash have no axe violations', async ({
      browser,
      server,
    }) => {
      const anonymous = await (await browser.newContext({ baseURL: server.url, viewport: { width, height: 800 } })).newPage();
      await anonymous.goto('/setup');
      await expect(anonymous.getByRole('heading', { level: 1 })).toBeVisible();
      expect(await violations(anonymous), 'setup').toEqual([]);

      const admin = await createUser(server, 'admin', 'Ada Admin');
      await anonymous.goto('/signin');
      await expect(anonymous.getByRole('button', { name: 'Sign in' })).toBeVisible();
      expect(await violations(anonymous), 'sign-in').toEqual([]);

      // Settings shows the lists of sections and tags to admins and editors: one of each to check.
      for (const kind of ['sections', 'tags'] as const) {
        await server.store.addTerm(
          { id: randomUUID(), kind, name: `Axe ${kind}`, key: `axe ${kind}`, createdAt: new Date().toISOString() },
          100,
        );
      }
      const page = await signedInPage(browser, server, admin);
      await page.setViewportSize({ width, height: 800 });
      expect(await violations(page), 'newsroom').toEqual([]);
      // The newsroom as a board, with a story on it.
      await call(server, 'POST', '/api/stories', { user: admin, body: {} });
      await page.goto('/?view=board');
      await expect(page.getByRole('region', { name: /^Draft/ }).getByRole('listitem')).toHaveCount(1);
      expect(await violations(page), 'newsroom board').toEqual([]);
      // The Trash with a story in it and a line of its record.
      const trashed = crypto.randomUUID();
      await server.store.createStory(newDraft(trashed, admin, new Date().toISOString()));
      await server.store.trashStory(trashed, { id: admin.id, name: admin.name }, new Date().toISOString());
      for (const [path, heading] of [
        ['/admin/users', 'Accounts'],
        ['/settings', 'Settings'],
        ['/admin/damaged-stories', 'Damaged stories'],
        ['/trash', 'Trash'],
        ['/?state=archived', 'Archived stories'],
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

      // On a phone these tools are behind More: open it first, as a person would.
      const more = page.getByRole('button', { name: 'More tools' });
      const pressTool = async (name: string) => {
        if (await more.isVisible()) {
          await more.click();
          await expect(more).toHaveAttribute('aria-expanded', 'true');
        }
        await page.getByRole('button', { name }).click();
      };
      if (width < 1280) {
        await more.click();
        await expect(page.getByRole('button', { name: 'Who wrote this?' })).toBeVisible();
        expect(await violations(page), 'More tools open').toEqual([]);
        await more.click();
      }
      for (const view of ['Who wrote this?', 'Suggesting']) {
        // Hidden again once chosen, when behind More.
        const toggle = page.getByRole('button', { name: view, includeHidden: true });
        await pressTool(view);
        await expect(toggle).toHaveAttribute('aria-pressed', 'true');
        expect(await violations(page), view).toEqual([]);
        await pressTool(view);
        await expect(toggle).toHaveAttribute('aria-pressed', 'false');
      }
      // A phone shows each panel as a sheet over the page, closed with its own button.
      for (const [panel, close] of [
        [/^Comments/, 'Close comments'],
        [/^History/, 'Close history'],
        [/^Activity/, 'Close activity'],
      ] as const) {
        await page.getByRole('button', { name: panel }).click();
        await expect(page.getByRole('button', { name: panel })).toHaveAttribute('aria-expanded', 'true');
        await expect(page.getByRole('button', { name: close })).toBeVisible();
        expect(await violations(page), String(panel)).toEqual([]);
        await page.getByRole('button', { name: close }).click();
        await expect(page.getByRole('button', { name: panel })).toHaveAttribute('aria-expanded', 'false');
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
