/**
 * The story page at phone, tablet and laptop widths: nothing wider than the screen, the Headline on the
 * first screen, the panels beside the sheet (laptop) or as sheets over it (narrower) with their headings in
 * view, a story bar of at most two rows on a laptop even once published, and the Body's toolbar in reach
 * while typing. Each width's first screen, and its open panels, are saved under test-results/layout/ for
 * review.
 */
import path from 'node:path';
import type { Locator, Page, TestInfo } from '@playwright/test';
import type { EditorState } from '@tiptap/pm/state';
import type { TestClient } from '../helpers/clients';
import { call, writeStory } from '../helpers/http';
import { createUser, expect, expectSaved, field, signedInPage, test } from './fixtures';

const STORY = {
  headline: ['Night buses return to the city centre after a two-year gap'],
  standfirst: ['Three routes run again from Friday after a petition signed by more than 4,000 shift workers, students and hospital staff.'],
  byline: ['By Wes Writer, Transport Correspondent'],
  body: [
    'The council’s transport committee voted on Tuesday night to restore the N12, N31 and N47, the night routes cut two years ago when the operator said too few people used them after midnight.',
    'A petition started by nurses at the Royal Infirmary gathered more than 4,000 signatures in six weeks. Many of those who signed finish shifts between midnight and 5 a.m. and said taxis cost them up to a fifth of a night’s pay.',
    '“We were walking home in the dark or sleeping in the staff room,” said Amira Haddad, a ward sister who delivered the petition. “This is the difference between a job you can keep and one you can’t.”',
    'The routes will run every 30 minutes from 11.30 p.m. to 5.30 a.m., seven nights a week, for a trial year costing £1.2m, paid for from the parking levy.',
    'The operator, Citylink, said it would hire 14 drivers. Fares will match daytime fares, and weekly passes will be valid on all three routes.',
    'Opposition councillors backed the plan but asked for passenger numbers to be published every quarter, so that the trial can be judged on evidence rather than anecdote.',
    'The committee also asked officers to look at a fourth route to the airport business park, where warehouses run round the clock.',
    'The first buses leave the Central Station stand at 11.30 p.m. on Friday.',
  ],
};

const WIDTHS = [360, 390, 768, 1024, 1280, 1440];
const heightAt = (width: number) => (width <= 390 ? 844 : width === 768 ? 1024 : 800);
/** From here up the panels sit beside the sheet and the story bar sticks; narrower, they are sheets over the page. */
const LAPTOP = 1024;
/** From here up every story tool has its own button; narrower, some are behind "More". */
const ALL_TOOLS = 1280;

/** Nothing on the page is wider than the screen. */
async function expectNoSidewaysScroll(page: Page, when: string): Promise<void> {
  await expect
    .poll(() => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), { message: when })
    .toBeLessThanOrEqual(0);
}

/** On screen whole, and what is at its centre is itself, not the sticky bar or anything else over it. */
async function expectUncovered(target: Locator): Promise<void> {
  await expect(target).toBeInViewport({ ratio: 1 });
  await expect
    .poll(() =>
      target.evaluate((element) => {
        const box = element.getBoundingClientRect();
        const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
        return !!hit && element.contains(hit);
      }),
    )
    .toBe(true);
}

/** Everything in the region lies inside it and inside the screen (History cards were cut off on the right). */
async function expectContained(region: Locator): Promise<void> {
  const outside = await region.evaluate((element) => {
    const box = element.getBoundingClientRect();
    return [...element.querySelectorAll('button, a, select, input, li, h3')]
      .map((child) => ({ child, rect: child.getBoundingClientRect() }))
      .filter(({ rect }) => rect.width > 1 && (rect.left < box.left - 0.5 || rect.right > Math.min(box.right, window.innerWidth) + 0.5))
      .map(({ child, rect }) => `${(child.textContent ?? '').trim().slice(0, 40)} (${Math.round(rect.left)}–${Math.round(rect.right)})`);
  });
  expect(outside, 'sticking out of the panel').toEqual([]);
}

/** How many rows the story bar's controls take: a control starts a row when it is wholly below the last one. */
function barRows(page: Page): Promise<number> {
  return page.getByRole('region', { name: 'Story tools' }).evaluate((bar) => {
    const boxes = [...bar.querySelectorAll('a, button, [role="status"]')]
      .map((element) => element.getBoundingClientRect())
      .filter((box) => box.width > 1 && box.height > 1)
      .sort((a, b) => a.top - b.top);
    let rows = 0;
    let bottom = -Infinity;
    for (const box of boxes) {
      if (box.top >= bottom - 1) rows++;
      bottom = box.top >= bottom - 1 ? box.bottom : Math.max(bottom, box.bottom);
    }
    return rows;
  });
}

/**
 * Selects a word in a field as a drag over it would. The editor takes the browser's selection a moment
 * later (selectionchange) and may put back its own on focus: set it until the editor has it.
 */
async function selectWord(textbox: Locator, word: string): Promise<void> {
  await expect(async () => {
    const selected = await textbox.evaluate((element, word) => {
      (element as HTMLElement).focus();
      const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const at = node.textContent?.indexOf(word) ?? -1;
        if (at < 0) continue;
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, at + word.length);
        document.getSelection()?.removeAllRanges();
        document.getSelection()?.addRange(range);
        break;
      }
      // Tiptap keeps its editor on the element.
      const { state } = (element as HTMLElement & { editor: { state: EditorState } }).editor;
      return state.doc.textBetween(state.selection.from, state.selection.to);
    }, word);
    expect(selected).toBe(word);
  }).toPass();
}

async function screenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  await page.screenshot({ path: path.join(testInfo.project.outputDir, 'layout', `${name}.png`) });
}

for (const width of WIDTHS) {
  const laptop = width >= LAPTOP;

  test(`the story page at ${width} px`, async ({ browser, server }, testInfo) => {
    const writer = await createUser(server, 'writer', 'Wes Writer');
    const editor = await createUser(server, 'editor', 'Edie Editor');
    const clients: TestClient[] = [];
    const storyId = await writeStory(server, writer, STORY, clients);
    // The writer stays in the story, in the Body: two people in the bar, as on a real desk.
    clients[0].provider.awareness.setLocalStateField('user', { id: writer.id, name: writer.name });
    clients[0].provider.awareness.setLocalStateField('field', 'body');

    try {
      const page = await signedInPage(browser, server, editor);
      await page.setViewportSize({ width, height: heightAt(width) });
      await page.goto(`/story/${storyId}`);
      const headline = field(page, 'Headline');
      await expect(headline).toHaveText(STORY.headline[0]);
      await expect(page.getByRole('button', { name: /^Wes Writer/ })).toBeVisible();
      await expect(headline).toBeInViewport({ ratio: 1 });
      await expectNoSidewaysScroll(page, 'draft');

      await page.getByRole('button', { name: 'Publish', exact: true }).click();
      await expect(page.getByRole('button', { name: 'Publish update' })).toBeVisible();
      // A named version too: the History lists two, and its long name is in the comparison's menus.
      const version = await call(server, 'POST', `/api/stories/${storyId}/versions`, {
        user: editor,
        body: { name: 'Before legal read of the petition figures and the ward sister’s quote' },
      });
      expect(version.status).toBe(201);

      // Published, on a fresh load: the Headline is still on the first screen, under the app header and bar.
      await page.reload();
      await expect(headline).toHaveText(STORY.headline[0]);
      await expect(page.getByRole('button', { name: 'Publish update' })).toBeVisible();
      await expect(page.getByRole('button', { name: /^Wes Writer/ })).toBeVisible();
      await expectSaved(page);
      await expect(headline).toBeInViewport({ ratio: 1 });
      await expectNoSidewaysScroll(page, 'published');
      if (laptop) expect(await barRows(page), 'story bar rows').toBeLessThanOrEqual(2);
      await screenshot(page, testInfo, String(width));

      // The tools behind More (narrower screens) are the same buttons, a keyboard away.
      const more = page.getByRole('button', { name: 'More tools' });
      if (width >= ALL_TOOLS) {
        await expect(more).toBeHidden();
        await expect(page.getByRole('button', { name: 'Who wrote this?' })).toBeVisible();
      } else {
        await expect(page.getByRole('button', { name: 'Who wrote this?' })).toBeHidden();
        await more.focus();
        await page.keyboard.press('Enter');
        await expect(more).toHaveAttribute('aria-expanded', 'true');
        await page.keyboard.press('Tab');
        await expect(page.getByRole('button', { name: 'Suggesting' })).toBeFocused();
        await expect(page.getByRole('button', { name: 'Who wrote this?' })).toBeVisible();
        await expectNoSidewaysScroll(page, 'More open');
        await page.keyboard.press('Escape');
        await expect(more).toHaveAttribute('aria-expanded', 'false');
        await expect(more).toBeFocused();
      }

      const headlineTop = (await headline.boundingBox())?.y;
      const historyButton = page.getByRole('button', { name: 'History', exact: true });
      await historyButton.click();
      const history = page.getByRole('region', { name: 'History' });
      await expect(history.getByRole('heading', { name: /Revision 2/ })).toBeVisible();
      await expectUncovered(history.getByRole('heading', { name: 'History', level: 2 }));
      await expectContained(history);
      await expectNoSidewaysScroll(page, 'History open');
      // Beside the sheet the page stays usable; under a sheet it is inert until the sheet closes.
      for (const behind of [page.getByRole('region', { name: 'Story tools' }), headline]) {
        await expect.poll(() => behind.evaluate((element) => element.closest('[inert]') !== null)).toBe(!laptop);
      }
      // The panel opens beside the sheet or over it, never pushing the story down.
      expect((await headline.boundingBox())?.y).toBe(headlineTop);
      await screenshot(page, testInfo, `${width}-history`);
      if (laptop) {
        const sheet = await page.getByRole('main', { name: 'Story' }).boundingBox();
        expect((await history.boundingBox())!.x).toBeGreaterThanOrEqual(sheet!.x + sheet!.width);
        // Scrolled down, the panel stays in view under the sticky bar, its heading uncovered.
        await page.mouse.move(width / 4, 500);
        await page.mouse.wheel(0, 900);
        await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(300);
        await expectUncovered(history.getByRole('heading', { name: 'History', level: 2 }));
        await page.getByRole('button', { name: 'Close history' }).click();
      } else {
        // A sheet: focus is in it (Close comes first), Escape closes it and focus goes back to History.
        await page.keyboard.press('Tab');
        await expect(page.getByRole('button', { name: 'Close history' })).toBeFocused();
        await page.keyboard.press('Escape');
      }
      await expect(history).toBeHidden();
      await expect(historyButton).toBeFocused();

      // Activity: the timeline fits beside the sheet or as a sheet of its own, long notes wrapping.
      const activityButton = page.getByRole('button', { name: 'Activity', exact: true });
      await activityButton.click();
      const activity = page.getByRole('region', { name: 'Activity' });
      await expect(activity.getByRole('list', { name: 'Story activity' }).getByRole('listitem').first()).toBeVisible();
      await expectUncovered(activity.getByRole('heading', { name: 'Activity', level: 2 }));
      await expectContained(activity);
      await expectNoSidewaysScroll(page, 'Activity open');
      await screenshot(page, testInfo, `${width}-activity`);
      await page.getByRole('button', { name: 'Close activity' }).click();
      await expect(activity).toBeHidden();

      // Comments: start a thread on a word of the standfirst, see it in the panel, go back to the text.
      await page.evaluate(() => window.scrollTo(0, 0));
      await selectWord(field(page, 'Standfirst'), 'petition');
      const commentButton = page.getByRole('button', { name: 'Comment', exact: true });
      await expect(commentButton).toBeEnabled();
      await commentButton.click();
      const comments = page.getByRole('complementary', { name: 'Comments' });
      await page.getByRole('textbox', { name: 'Comment', exact: true }).fill('Can we link the petition?');
      await page.getByRole('button', { name: 'Post comment' }).click();
      await expect(comments.getByText('Can we link the petition?')).toBeVisible();
      await expectUncovered(comments.getByRole('heading', { name: 'Comments', level: 2 }));
      await expectContained(comments);
      await expectNoSidewaysScroll(page, 'Comments open');
      await screenshot(page, testInfo, `${width}-comments`);
      // Going to the commented text: a sheet gets out of the way first; beside the sheet, the panel stays.
      await comments.getByRole('button', { name: '“petition”' }).click();
      await expect(field(page, 'Standfirst')).toBeFocused();
      if (laptop) await page.getByRole('button', { name: 'Close comments' }).click();
      await expect(comments).toBeHidden();

      // Typing on at the end of the Body: the page scrolls past the Body's top, its toolbar stays in view.
      const toolbar = page.getByRole('toolbar', { name: 'Body formatting' });
      await field(page, 'Body').click();
      await page.keyboard.press('Control+End');
      for (let line = 1; line <= 8; line++) {
        await page.keyboard.press('Enter');
        await page.keyboard.type(`Update ${line}: more routes are planned.`);
      }
      await expect.poll(async () => (await field(page, 'Body').boundingBox())!.y).toBeLessThan(0);
      await expectUncovered(toolbar);
      await expectNoSidewaysScroll(page, 'typing');
    } finally {
      for (const client of clients) client.close();
    }
  });
}
