/**
 * The newsroom's search and filters (docs/newsroom.md#search-and-filters), on a phone: an editor finds a
 * story by a phrase of its body with the match marked; the search and filters live in the address, so a
 * reload and back restore them; no axe violations and nothing wider than the screen.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from '@playwright/test';
import { type TestClient } from '../helpers/clients';
import { writeStory } from '../helpers/http';
import { createUser, expect, signedInPage, test } from './fixtures';

async function violations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

const noSidewaysScroll = (page: Page) =>
  expect
    .poll(() => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth))
    .toBeLessThanOrEqual(0);

/** The highlighted words of a row: <mark> (ARIA's "mark" role, which Playwright's role types do not list yet). */
const marks = (row: Locator) => row.locator('mark');
const searchBox = (page: Page) => page.getByRole('searchbox', { name: 'Search stories' });

test('an editor finds a story by a phrase of its body, highlighted, and the search survives a reload', async ({ browser, server }) => {
  const writer = await createUser(server, 'writer', 'Wren Writer');
  const clients: TestClient[] = [];
  try {
    // Written by a real Yjs client over Socket.IO, as another editor's browser would.
    await writeStory(
      server,
      writer,
      { headline: ['Harbour notes'], body: ['Boats wait.', 'The keeper counted seventeen herons at dawn.'] },
      clients,
    );
    await writeStory(server, writer, { headline: ['Council budget'], body: ['Nothing about birds.'] }, clients);

    const editor = await createUser(server, 'editor', 'Eda Editor');
    const page = await signedInPage(browser, server, editor);
    await page.setViewportSize({ width: 390, height: 844 });
    await expect(page.getByRole('link', { name: 'Council budget' })).toBeVisible();

    await searchBox(page).fill('"seventeen herons"');
    await searchBox(page).press('Enter');
    await expect(page).toHaveURL(/\?q=%22seventeen\+herons%22$/);
    const found = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'Harbour notes' }) });
    await expect(marks(found)).toHaveText('seventeen herons');
    await expect(found).toContainText('The keeper counted seventeen herons at dawn.');
    await expect(page.getByRole('link', { name: 'Council budget' })).toHaveCount(0);
    await expect(page.getByRole('status').filter({ hasText: '1 story matches' })).toBeAttached();
    expect(await violations(page)).toEqual([]);
    await noSidewaysScroll(page);

    // Filters go into the address with the search; a reload shows the same.
    await page.getByRole('combobox', { name: 'Status' }).selectOption({ label: 'Draft' });
    await expect(page).toHaveURL(/status=draft/);
    await expect(marks(found)).toHaveText('seventeen herons');
    await page.getByRole('checkbox', { name: 'Mine' }).check();
    await expect(page).toHaveURL(/mine=1/);
    await expect(page.getByText('No stories match.')).toBeVisible();
    await page.reload();
    await expect(searchBox(page)).toHaveValue('"seventeen herons"');
    await expect(page.getByRole('combobox', { name: 'Status' })).toHaveValue('draft');
    await expect(page.getByRole('checkbox', { name: 'Mine' })).toBeChecked();
    await expect(page.getByText('No stories match.')).toBeVisible();
    expect(await violations(page)).toEqual([]);

    // Back: the search without "Mine", as it was.
    await page.goBack();
    await expect(page.getByRole('checkbox', { name: 'Mine' })).not.toBeChecked();
    await expect(marks(found)).toHaveText('seventeen herons');
    await page.getByRole('combobox', { name: 'Sort by' }).selectOption({ label: 'Created' });
    await expect(page).toHaveURL(/sort=created/);
    await noSidewaysScroll(page);
  } finally {
    clients.forEach((c) => c.close());
  }
});
