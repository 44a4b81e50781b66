import type { Locator, Page } from '@playwright/test';
import { expect, expectSaved, field, test, twoEditorsOnANewStory } from './fixtures';

/** Someone's colour in this story as a page's presence list shows it (rgb(…)). */
async function colourOf(page: Page, name: string): Promise<string> {
  const avatar = page.getByRole('list', { name: 'People in this story' }).locator(`.avatar[title="${name}"]`).first();
  await expect(avatar).toBeVisible();
  return avatar.evaluate((el) => getComputedStyle(el).backgroundColor);
}

/** Each person's colour in the story once both pages show the same one: two people, two colours. */
async function storyColours(ana: Page, ben: Page): Promise<{ anaColour: string; benColour: string }> {
  const agreed = async (name: string) => {
    await expect.poll(async () => (await colourOf(ana, name)) === (await colourOf(ben, name))).toBe(true);
    return colourOf(ana, name);
  };
  const [anaColour, benColour] = [await agreed('Ana Writer'), await agreed('Ben Editor')];
  expect(anaColour).not.toBe(benColour);
  return { anaColour, benColour };
}

const insertions = (page: Page, name: 'Body' | 'Standfirst' | 'Headline') => field(page, name).locator('ins .suggestion--insertion');
/**
 * The suggested text of a field, run after run: a co-editor's caret inside a suggestion (shown where
 * their last cursor update put it, which may trail their last keystroke) splits its rendering in two.
 */
const insertedText = (page: Page, name: 'Body' | 'Standfirst' | 'Headline') => async () =>
  (await insertions(page, name).allTextContents()).join('');
const deletions = (page: Page, name: 'Body' | 'Standfirst' | 'Headline') => field(page, name).locator('del .suggestion--deletion');

/** The background once its transition (buttons fade between colours) has ended: what a person sees. */
const settledBackground = (locator: Locator) =>
  locator.evaluate(async (el) => {
    await Promise.all(el.getAnimations().map((animation) => animation.finished));
    return getComputedStyle(el).backgroundColor;
  });

test('a writer suggests, an editor sees it live in her colour, accepts and rejects, and publishing leaves open suggestions out', async ({
  browser,
  server,
}) => {
  const { ana, ben } = await twoEditorsOnANewStory(browser, server);
  const { anaColour } = await storyColours(ana, ben);

  // Ben writes the story normally.
  await field(ben, 'Headline').click();
  await ben.keyboard.type('Ferry fares rise');
  await field(ben, 'Standfirst').click();
  await ben.keyboard.type('Tickets cost more.');
  await field(ben, 'Byline').click();
  await ben.keyboard.type('Ben Editor');
  await field(ben, 'Body').click();
  await ben.keyboard.type('The ferry leaves at noon.');
  await expect(field(ana, 'Body')).toHaveText('The ferry leaves at noon.');

  // Ana turns on Suggesting (hers alone) and edits the body: an insertion and a deletion.
  const suggesting = ana.getByRole('button', { name: 'Suggesting' });
  await expect(suggesting).toHaveAttribute('aria-pressed', 'false');
  await ana.mouse.move(0, 0); // not the hover colour
  const off = await settledBackground(suggesting);
  await suggesting.click();
  await expect(suggesting).toHaveAttribute('aria-pressed', 'true');
  await ana.mouse.move(0, 0);
  // The mode shows at a glance, not only to screen readers: in the colour the button settles on, not one
  // read while it fades from white.
  await expect.poll(() => settledBackground(suggesting)).not.toBe(off);
  await expect(ben.getByRole('button', { name: 'Suggesting' })).toHaveAttribute('aria-pressed', 'false');
  await field(ana, 'Body').click();
  await ana.keyboard.press('End');
  await ana.keyboard.type(' Fares rise.');
  await ana.keyboard.press('Home');
  for (let i = 0; i < 'The '.length; i++) await ana.keyboard.press('Shift+ArrowRight');
  await ana.keyboard.press('Backspace');

  // Ben sees both live: underlined and struck through, in Ana's colour; nothing was removed yet.
  await expect.poll(insertedText(ben, 'Body')).toBe(' Fares rise.');
  await expect(deletions(ben, 'Body')).toHaveText('The ');
  await expect(field(ben, 'Body')).toHaveText('The ferry leaves at noon. Fares rise.');
  await expect(insertions(ben, 'Body').first()).toHaveCSS('text-decoration-line', 'underline');
  await expect(deletions(ben, 'Body').first()).toHaveCSS('text-decoration-line', 'line-through');
  await expect(insertions(ben, 'Body').first()).toHaveCSS('text-decoration-color', anaColour);
  await expect(deletions(ben, 'Body').first()).toHaveCSS('text-decoration-color', anaColour);

  // Ben keeps editing normally elsewhere: his words are plain text for Ana too.
  await field(ben, 'Headline').click();
  await ben.keyboard.press('End');
  await ben.keyboard.type(' again');
  await expect(field(ana, 'Headline')).toHaveText('Ferry fares rise again');
  await expect(insertions(ana, 'Headline')).toHaveCount(0);

  // The list says who suggested what; Ben rejects the deletion and accepts the insertion.
  const list = ben.getByRole('region', { name: /Suggestions/ });
  await expect(list.getByRole('listitem')).toHaveCount(2);
  const removal = list.getByRole('listitem').filter({ hasText: 'removing “The ”' });
  const reject = removal.getByRole('button', { name: 'Reject suggestion' });
  await expect(reject).toHaveAccessibleDescription('Ana Writer suggests removing “The ” in the Body');
  await reject.click();
  const addition = list.getByRole('listitem').filter({ hasText: 'adding “ Fares rise.”' });
  await addition.getByRole('button', { name: 'Accept suggestion' }).click();
  await expect(field(ana, 'Body')).toHaveText('The ferry leaves at noon. Fares rise.');
  await expect(field(ana, 'Body').locator('ins, del')).toHaveCount(0);
  await expect(list).toHaveCount(0);

  // Ana suggests two more; the editor's checklist warns while they are open.
  await field(ana, 'Body').click();
  await ana.keyboard.press('End');
  await ana.keyboard.type(' Maybe later.');
  await field(ana, 'Standfirst').click();
  await ana.keyboard.press('End');
  await ana.keyboard.type(' Perhaps');
  await expect.poll(insertedText(ben, 'Standfirst')).toBe(' Perhaps');
  await expectSaved(ana);
  const checklist = ben.getByRole('region', { name: 'Pre-publish checks' });
  await expect(checklist).toContainText('2 suggestions are still open');

  // Publishing asks first, then publishes without the open suggestions.
  await ben.getByRole('button', { name: 'Publish', exact: true }).click();
  const confirm = ben.getByRole('dialog', { name: 'Publish with open work?' });
  await expect(confirm).toContainText('2 suggestions are still open');
  await confirm.getByRole('button', { name: 'Publish anyway' }).click();
  await expect(ben.getByText(/Published by Ben Editor/)).toBeVisible();
  const reader = await browser.newContext({ baseURL: server.url });
  const publicPage = await reader.newPage();
  await publicPage.goto('/stories/ferry-fares-rise-again');
  await expect(publicPage.getByText('The ferry leaves at noon. Fares rise.')).toBeVisible();
  await expect(publicPage.getByText('Tickets cost more.')).toBeVisible();
  const html = await publicPage.content();
  expect(html).not.toContain('Maybe later');
  expect(html).not.toContain('Perhaps');
  expect(html).not.toMatch(/<ins|<del/);
  await reader.close();

  // Publishing an update with a correction says so too, in its own dialog.
  await ben.getByRole('button', { name: 'More ways to publish' }).click();
  await ben.getByRole('button', { name: 'Publish with correction…' }).click();
  const correction = ben.getByRole('dialog', { name: 'Publish update with a correction' });
  await expect(correction).toContainText('2 suggestions are still open');
  await expect(correction).toContainText('left out of the published text');
  await correction.getByRole('button', { name: 'Cancel' }).click();
  await expect(correction).toHaveCount(0);

  // "Accept all" makes them ordinary text for everyone, and the warning goes.
  await ben.getByRole('button', { name: 'Accept all' }).click();
  await expect(field(ana, 'Body')).toHaveText('The ferry leaves at noon. Fares rise. Maybe later.');
  await expect(field(ana, 'Standfirst')).toHaveText('Tickets cost more. Perhaps');
  await expect(field(ana, 'Body').locator('ins, del')).toHaveCount(0);
  await expect(checklist).not.toContainText('still open');
});
