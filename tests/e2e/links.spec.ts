import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, field, test, twoEditorsOnANewStory } from './fixtures';

const linkForm = (page: Page) => page.getByRole('form', { name: 'Link' });
const address = (page: Page) => linkForm(page).getByRole('textbox', { name: 'Link address' });

/** Selects `text` in the body by keyboard: to the end of the line, then back over it. */
async function selectAtEnd(page: Page, text: string): Promise<void> {
  await field(page, 'Body').click();
  await page.keyboard.press('End');
  for (let i = 0; i < text.length; i++) await page.keyboard.press('Shift+ArrowLeft');
}

test('links are added, changed, opened and removed in a form beside the toolbar, live for a co-editor, and only safe ones', async ({
  browser,
  server,
}) => {
  const { ana, ben } = await twoEditorsOnANewStory(browser, server);
  await field(ana, 'Body').click();
  await ana.keyboard.type('Read the council report');
  await expect(field(ben, 'Body')).toHaveText('Read the council report');

  // Add: select the words, press Link, type an address, Enter.
  await selectAtEnd(ana, 'council report');
  await ana.getByRole('button', { name: 'Link' }).click();
  await expect(address(ana)).toBeFocused();
  expect((await new AxeBuilder({ page: ana }).include('.link-editor').analyze()).violations).toEqual([]);
  await address(ana).fill('example.org/report');
  await address(ana).press('Enter');
  await expect(linkForm(ana)).toHaveCount(0);
  for (const page of [ana, ben]) {
    await expect(field(page, 'Body').getByRole('link', { name: 'council report' })).toHaveAttribute('href', 'https://example.org/report');
  }
  await expect(field(ana, 'Body')).toBeFocused();

  // Anything that is not a web or email address is refused, said beside the field, and nothing changes.
  await selectAtEnd(ana, 'report');
  await ana.getByRole('button', { name: 'Link' }).click();
  await expect(address(ana)).toHaveValue('https://example.org/report');
  await expect(linkForm(ana).getByRole('link', { name: /Open/ })).toHaveAttribute('href', 'https://example.org/report');
  await address(ana).fill('javascript:alert(1)');
  await address(ana).press('Enter');
  await expect(linkForm(ana).getByRole('alert')).toContainText('Links must be web addresses');
  await expect(address(ana)).toHaveAttribute('aria-invalid', 'true');
  await expect(field(ben, 'Body').getByRole('link')).toHaveAttribute('href', 'https://example.org/report');

  // Change it: the whole link follows, for both.
  await address(ana).fill('https://example.org/report-2026');
  await address(ana).press('Enter');
  for (const page of [ana, ben]) {
    await expect(field(page, 'Body').getByRole('link', { name: 'council report' })).toHaveAttribute(
      'href',
      'https://example.org/report-2026',
    );
  }

  // Escape leaves it as it was; Remove link takes it off the words, for both.
  await selectAtEnd(ana, 'report');
  await ana.getByRole('button', { name: 'Link' }).click();
  await address(ana).press('Escape');
  await expect(linkForm(ana)).toHaveCount(0);
  await expect(field(ana, 'Body')).toBeFocused();
  await ana.getByRole('button', { name: 'Link' }).click();
  await linkForm(ana).getByRole('button', { name: 'Remove link' }).click();
  for (const page of [ana, ben]) {
    await expect(field(page, 'Body').getByRole('link')).toHaveCount(0);
    await expect(field(page, 'Body')).toHaveText('Read the council report');
  }
});
