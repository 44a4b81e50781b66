import type { Page } from '@playwright/test';
import { expect, field, test, twoEditorsOnANewStory } from './fixtures';

const people = (page: Page) => page.getByRole('list', { name: 'People in this story' });
const announcements = (page: Page) => page.getByRole('log', { name: 'Presence announcements' });

test('presence: one entry per person across tabs, announced arrivals, fields and departures, a soft claim while typing, and a keyboard-navigable list', async ({
  browser,
  server,
}) => {
  const { ana, ben, url } = await twoEditorsOnANewStory(browser, server);

  // Ana, already here, opens a second tab: Ben lists her once (and heard of her arrival once).
  await expect(people(ben).getByRole('button', { name: /^Ana Writer/ })).toHaveCount(1);
  const anaAgain = await ana.context().newPage();
  await anaAgain.goto(url);
  await expect(field(anaAgain, 'Headline')).toBeEditable({ timeout: 20_000 });
  await expect(announcements(ana)).toContainText('Ben Editor joined');
  await expect(people(ben).getByRole('button', { name: /^Ana Writer/ })).toHaveCount(1);
  await expect(people(anaAgain).getByRole('button', { name: /^Ana Writer/ })).toHaveCount(1);
  await expect(announcements(ben)).not.toContainText('Ana Writer joined'); // the same person, not an arrival

  // Moving into a field is announced; typing there shows a soft claim to the others, gone a few seconds after.
  await field(ana, 'Headline').click();
  await expect(announcements(ben)).toContainText('Ana Writer is editing the Headline');
  await ana.keyboard.type('Library opens on Sundays');
  const claim = ben.getByText('Ana Writer is rewriting the headline');
  await expect(claim).toBeVisible();
  await expect(ana.getByText(/is rewriting the headline/)).toHaveCount(0); // not shown about yourself
  // Ben's caret and name label arrive in Ana's headline without moving her text or her view.
  const layout = () =>
    ana.evaluate(() => {
      // Relative to the textbox: what else on the page moves (a banner, a claim) is not the caret's doing.
      const box = document.querySelector('.field-editor--headline')!.getBoundingClientRect();
      const paragraph = document.querySelector('.field-editor--headline p')!;
      // Where the text itself is. Not the paragraph's contents as a whole: a remote caret is an element in
      // there whose 1 px borders stand out of the text by design (they take no room: -1 px margins), so at
      // either end of the line its own box would widen the measure by a pixel the text never moved.
      const rects: DOMRect[] = [];
      const walker = document.createTreeWalker(paragraph, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const range = document.createRange();
        range.selectNodeContents(node);
        rects.push(...range.getClientRects());
      }
      const left = Math.min(...rects.map((r) => r.left));
      const top = Math.min(...rects.map((r) => r.top));
      return {
        x: left - box.x,
        y: top - box.y,
        width: Math.max(...rects.map((r) => r.right)) - left,
        height: Math.max(...rects.map((r) => r.bottom)) - top,
        scrollY: window.scrollY,
        text: paragraph.textContent,
        pageY: box.y + window.scrollY,
        bar: document.querySelector('.presence')!.getBoundingClientRect().width,
      };
    });
  const before = await layout();
  // It blocks nothing: Ben can still type in the same field.
  // Into the field by keyboard focus, not a click: a click's selection is settled on mouseup, which on a
  // busy machine can land after a Home pressed just then and put the caret back where he clicked.
  await field(ben, 'Headline').focus();
  await ben.keyboard.press('Home');
  await expect.poll(() => ben.evaluate(() => getSelection()!.anchorOffset)).toBe(0);
  await expect(ana.locator('.collaboration-carets__label', { hasText: 'Ben Editor' })).toBeVisible();
  // The caret itself names Ben on hover.
  await expect(field(ana, 'Headline').locator('.collaboration-carets__caret')).toHaveAttribute('title', 'Ben Editor');
  // Measured once Ben's caret is where he put it, at the start of the line (his click put it elsewhere first).
  const caretAtStart = () =>
    ana.evaluate(() => {
      const first = document.querySelector('.field-editor--headline p')!.firstChild;
      return first instanceof HTMLElement && first.matches('.collaboration-carets__caret') ? first.dataset.name : null;
    });
  await expect.poll(caretAtStart).toBe('Ben Editor');
  const after = await layout();
  expect({ text: after.text, scrollY: after.scrollY }).toEqual({ text: before.text, scrollY: before.scrollY });
  // Sub-pixel text layout may differ around a zero-width caret; a shift a reader could see may not.
  for (const key of ['x', 'y', 'width', 'height'] as const) expect(Math.abs(after[key] - before[key])).toBeLessThan(0.5);
  // Ben's field now shows in the presence list: it keeps its size, so the bar cannot wrap and push the page down.
  expect(Math.abs(after.bar - before.bar)).toBeLessThan(0.5);
  expect(Math.abs(after.pageY - before.pageY)).toBeLessThan(0.5);
  await ben.keyboard.press('End');
  await ben.keyboard.type(' from May');
  await expect(field(ana, 'Headline')).toHaveText('Library opens on Sundays from May');
  await expect(claim).toBeHidden({ timeout: 10_000 });

  // The list is one tab stop; arrow keys, Home and End move along it; a person's button goes to their field.
  await people(ben).getByRole('button').first().focus();
  await expect(people(ben).getByRole('button', { name: /^Ben Editor/ })).toBeFocused(); // you first
  await ben.keyboard.press('ArrowRight');
  const anaButton = people(ben).getByRole('button', { name: /^Ana Writer, in Headline/ });
  await expect(anaButton).toBeFocused();
  await expect(anaButton).toHaveAttribute('tabindex', '0');
  await expect(people(ben).getByRole('button', { name: /^Ben Editor/ })).toHaveAttribute('tabindex', '-1');
  await ben.keyboard.press('Home');
  await expect(people(ben).getByRole('button', { name: /^Ben Editor/ })).toBeFocused();
  await ben.keyboard.press('End');
  await expect(anaButton).toBeFocused();
  await ben.keyboard.press('Enter');
  await expect(field(ben, 'Headline')).toBeFocused();

  // Ana leaves (both tabs): announced, and gone from the list.
  await anaAgain.close();
  await ana.close();
  await expect(announcements(ben)).toContainText('Ana Writer left', { timeout: 5_000 });
  await expect(people(ben).getByRole('button', { name: /^Ana Writer/ })).toHaveCount(0);
});

test('a caret’s name label fades once the caret stops, and shows again on hover or when it moves', async ({ browser, server }) => {
  const { ana, ben } = await twoEditorsOnANewStory(browser, server);
  await field(ana, 'Headline').click();
  await ana.keyboard.type('Harbour ferry strike ends');
  await expect(field(ben, 'Headline')).toHaveText('Harbour ferry strike ends');
  await field(ben, 'Headline').click();
  await ben.keyboard.press('End');
  const label = ana.locator('.collaboration-carets__label', { hasText: 'Ben Editor' });
  const caret = field(ana, 'Headline').locator('.collaboration-carets__caret');
  await expect(caret).toHaveAttribute('title', 'Ben Editor');
  // Still (and Ana's pointer, left where she clicked, away from it), it fades (carets.ts: 2.5 s) and no
  // longer covers the line above.
  await ana.mouse.move(0, 0);
  await expect(label).toHaveCSS('opacity', '0');
  // Hovering the caret names it again, until the pointer leaves.
  await caret.hover();
  await expect(label).toHaveCSS('opacity', '1');
  await ana.mouse.move(0, 0);
  await expect(label).toHaveCSS('opacity', '0');
  // Moving shows it again.
  await ben.keyboard.press('ArrowLeft');
  await expect(label).toHaveCSS('opacity', '1');
});
