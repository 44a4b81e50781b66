/**
 * The XSS corpus on the newsroom desk: payloads written where the desk shows them (a headline and a body in
 * the newsroom list and its search snippets, a section and tags in the list and the story's Planning, a
 * send-back note and a headline in the notification inbox), seen by the person they concern in a real
 * browser. Nothing may run (no dialog, no element with an event handler, no injected image or script) and
 * every payload must still be on the page as text, so the test cannot pass by showing nothing.
 */
import type { Page } from '@playwright/test';
import { connectClient, type TestClient } from '../helpers/clients';
import { call, writeStory } from '../helpers/http';
import { ASSIGNEES_ROOT, PLANNING_ROOT, TAGS_ROOT } from '../../shared/planning';
import { XSS_PAYLOADS } from '../fixtures/xssPayloads';
import { createUser, expect, signedInPage, test } from './fixtures';

const payload = (name: string): string => {
  const found = XSS_PAYLOADS.find((p) => p.name === name);
  if (!found) throw new Error(`no payload named ${name}`);
  return found.payload;
};
const SCRIPT = payload('script tag');
const ONERROR = payload('img onerror');
const BREAKOUT = payload('double-quote breakout');
const SVG = payload('single-quote breakout');
const LINK = payload('javascript: link');
/** A word only the body has, to find it by search. */
const BODY_WORD = 'quaysidecormorant';

/** What a page would hold if a payload had become markup rather than text. */
function injected(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('*')].flatMap((element) => [
      ...[...element.attributes].filter((a) => a.name.startsWith('on')).map((a) => `${element.tagName} ${a.name}`),
      ...(element.matches('img[src="x"], svg, a[href^="javascript"], script:not([src]):not([type])') &&
      !element.closest('[aria-hidden="true"], button, .toolbar-icon')
        ? [element.outerHTML.slice(0, 120)]
        : []),
    ]),
  );
}

test('payloads in headlines, bodies, sections, tags and notes show as text on the desk and never run', async ({ browser, server }) => {
  const editor = await createUser(server, 'editor', 'Eda Editor');
  const writer = await createUser(server, 'writer', 'Wren Writer');
  const clients: TestClient[] = [];
  try {
    const headline = `${SCRIPT} ${ONERROR}`;
    const storyId = await writeStory(server, editor, { headline: [headline], body: [`${BODY_WORD} ${BREAKOUT} ${LINK}`] }, clients);
    // The planning as the editor's browser writes it: section, tags, and the writer assigned.
    const planner = await connectClient(server, editor, storyId);
    clients.push(planner);
    planner.doc.transact(() => {
      planner.doc.getMap(PLANNING_ROOT).set('section', SVG);
      for (const tag of [SCRIPT, ONERROR, LINK]) planner.doc.getMap(TAGS_ROOT).set(tag, true);
      planner.doc.getMap(ASSIGNEES_ROOT).set(writer.id, true);
    });
    await planner.provider.whenSaved();
    await expect.poll(async () => (await call(server, 'GET', '/api/notifications/unread-count', { user: writer })).body.unread).toBe(1);
    expect((await call(server, 'POST', `/api/stories/${storyId}/submit`, { user: writer })).status).toBe(200);
    const note = `${BREAKOUT} ${SVG}`;
    expect((await call(server, 'POST', `/api/stories/${storyId}/return`, { user: editor, body: { note } })).status).toBe(200);

    const page = await signedInPage(browser, server, writer);
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.setViewportSize({ width: 390, height: 844 });

    // The newsroom list: the headline and the section as text.
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: headline }) });
    await expect(row).toContainText(SVG);

    // The inbox: the assignment and the send-back with its note.
    const bell = page.getByRole('button', { name: 'Notifications, 2 unread' });
    await bell.click();
    const inbox = page.getByRole('region', { name: 'Notifications' });
    await expect(inbox).toContainText(note);
    await expect(inbox).toContainText(headline);
    expect(await injected(page)).toEqual([]);
    await bell.click();

    // A search's snippet: the words around the match, as runs of text.
    const search = page.getByRole('searchbox', { name: 'Search stories' });
    await search.fill(BODY_WORD);
    await search.press('Enter');
    await expect(row.locator('mark')).toHaveText(BODY_WORD);
    await expect(row).toContainText(BREAKOUT);
    expect(await injected(page)).toEqual([]);

    // The story's Planning, as the assignee opens it: the section and every tag.
    await page.getByRole('link', { name: headline }).click();
    await page.getByText('Planning', { exact: true }).click();
    await expect(page.getByRole('textbox', { name: 'Section' }).or(page.getByRole('combobox', { name: 'Section' }))).toHaveValue(SVG);
    const tags = page.getByRole('list', { name: 'Tags' });
    for (const tag of [SCRIPT, ONERROR, LINK]) await expect(tags).toContainText(tag);
    expect(await injected(page)).toEqual([]);
    expect(dialogs).toEqual([]);
  } finally {
    clients.forEach((c) => c.close());
  }
});
