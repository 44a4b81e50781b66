/**
 * The public site's index pages (docs/site.md#index-pages) as a reader finds them in a real browser: the home
 * page's sections, a section's page from the navigation, a tag's and an author's page from a story, and the
 * search from the masthead. At 390 px and 1280 px: no sideways scroll, zero axe violations, and no console
 * error under the public pages' strict CSP (the search form is a plain GET it allows).
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { publishWithPlanning } from '../helpers/publishing';
import { createUser, expect, test } from './fixtures';

const axe = async (page: Page) => expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
const noSidewaysScroll = async (page: Page, width: number) =>
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);

for (const width of [390, 1280]) {
  test(`a reader finds stories by section, tag, author and search at ${width} px`, async ({ browser, server }) => {
    const editor = await createUser(server, 'editor', 'Edie Editor');
    const writer = await createUser(server, 'writer', 'Wren Writer');
    await publishWithPlanning(server, editor, { headline: 'Ferry fares frozen for a year', section: 'Transport', tags: ['Ferries'] });
    await publishWithPlanning(server, editor, {
      headline: 'Harbour dredging approved',
      section: 'City Hall',
      tags: ['Harbour', 'Budget'],
      assignees: [writer.id],
      body: ['Councillors voted to dredge the inner basin before the regatta.'],
    });
    await publishWithPlanning(server, editor, { headline: 'Lifeboat crew honoured', section: 'City Hall', tags: ['Harbour'] });

    const context = await browser.newContext({ baseURL: server.url, viewport: { width, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    page.on('pageerror', (error) => errors.push(error.message));

    // Home: the latest, then a block per section.
    await page.goto('/stories');
    await expect(page.getByRole('heading', { name: 'Stories', level: 1 })).toBeVisible();
    const sections = page.getByRole('region', { name: 'Sections' });
    await expect(sections.getByRole('heading', { name: 'City Hall', level: 3 })).toBeVisible();
    await expect(sections.getByRole('link', { name: 'Lifeboat crew honoured' })).toBeVisible();
    await noSidewaysScroll(page, width);
    await axe(page);

    // A section from the navigation.
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'City Hall' }).click();
    await expect(page).toHaveURL(/\/sections\/city-hall$/);
    await expect(page.getByRole('heading', { name: 'City Hall', level: 1 })).toBeVisible();
    const list = page.getByRole('main').getByRole('list').first();
    await expect(list.getByRole('link')).toHaveText(['Lifeboat crew honoured', 'Harbour dredging approved']);
    await expect(page.getByRole('link', { name: 'Atom feed' })).toHaveAttribute('href', '/sections/city-hall/feed.xml');
    await noSidewaysScroll(page, width);
    await axe(page);

    // A story, then its tag and its author.
    await page.getByRole('link', { name: 'Harbour dredging approved' }).click();
    await page.getByRole('navigation', { name: 'Tags' }).getByRole('link', { name: 'Harbour' }).click();
    await expect(page.getByRole('heading', { name: 'Harbour', level: 1 })).toBeVisible();
    await expect(page.getByRole('main').getByRole('list').first().getByRole('link')).toHaveCount(2);
    await axe(page);
    await page.goBack();
    await page.getByRole('link', { name: 'Wren Writer' }).click();
    await expect(page.getByRole('heading', { name: 'Stories by Wren Writer', level: 1 })).toBeVisible();
    await expect(page.getByRole('main').getByRole('list').first().getByRole('link')).toHaveText(['Harbour dredging approved']);
    await axe(page);

    // The search, from the masthead: a word of a body, by its beginning.
    const search = page.getByRole('search', { name: 'Site search' });
    await search.getByRole('searchbox', { name: 'Search stories' }).fill('regat');
    await search.getByRole('searchbox', { name: 'Search stories' }).press('Enter');
    await expect(page.getByRole('heading', { name: 'Search', level: 1 })).toBeVisible();
    await expect(page.getByText('1 story matches “regat”.')).toBeVisible();
    await expect(page.getByRole('searchbox', { name: 'Search words' })).toHaveValue('regat');
    await expect(page.getByRole('main').getByRole('list').getByRole('link')).toHaveText(['Harbour dredging approved']);
    await noSidewaysScroll(page, width);
    await axe(page);
    expect(errors).toEqual([]);
    await context.close();
  });
}
