/**
 * After a server restart that lost a co-editor's unsaved text, an editor whose own changes build on it is
 * told so (not left with an endless "Saving…"), and everything is saved once the co-editor is back.
 */
import AxeBuilder from '@axe-core/playwright';
import { test as base, type Page } from '@playwright/test';

const test = base;
import type * as Y from 'yjs';
import type { Store } from '../../server/persistence/Store';
import { fragmentText } from '../../server/publishing/storyContent';
import { connectClient, createStory, eventually, storedDoc } from '../helpers/clients';
import { createUser, startTestServer, type TestServer } from '../helpers/testServer';
import { expect, field, signedInPage } from './fixtures';

const HELD = 'Some changes waiting to be saved';

/** A store whose update writes can be made to fail, as a dying disk would just before a crash. */
function failingStore() {
  const control = { failing: false };
  const wrap = (store: Store): Store =>
    new Proxy(store, {
      get(target, key, receiver) {
        if (key === 'appendUpdates') {
          return async (...args: Parameters<Store['appendUpdates']>) => {
            if (control.failing) throw new Error('disk gone');
            return target.appendUpdates(...args);
          };
        }
        const value = Reflect.get(target, key, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  return { control, wrap };
}

const bodyText = (doc: Y.Doc) => fragmentText(doc.getXmlFragment('body'));

async function typeAtEndOfBody(page: Page, text: string): Promise<void> {
  await field(page, 'Body').click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type(text);
}

test('an editor whose changes build on a co-editor’s lost text is told, and it all saves when the co-editor is back', async ({
  browser,
}) => {
  const { control, wrap } = failingStore();
  let server: TestServer = await startTestServer({ wrapStore: wrap });
  const { port, dataDir } = server;
  try {
    const ana = await createUser(server, 'writer', 'Ana Writer');
    const benUser = await createUser(server, 'editor', 'Ben Editor');
    const storyId = await createStory(server, ana);
    const anaClient = await connectClient(server, ana, storyId);
    const ben = await signedInPage(browser, server, benUser);
    await ben.goto(`/story/${storyId}`);
    await expect(field(ben, 'Body')).toBeEditable({ timeout: 20_000 });

    // Both write and are saved, so each owns their part of the story.
    await typeAtEndOfBody(ben, 'Saved');
    await eventually(() => expect(bodyText(anaClient.doc)).toBe('Saved'), 10_000);
    ((anaClient.doc.getXmlFragment('body').get(0) as Y.XmlElement).get(0) as Y.XmlText).insert(5, '.');
    await anaClient.provider.whenSaved();
    await expect(ben.getByRole('status').filter({ hasText: 'All changes saved' })).toBeVisible();

    // The disk fails: Ana's next words and Ben's, typed right after them, reach everyone but never storage.
    control.failing = true;
    ((anaClient.doc.getXmlFragment('body').get(0) as Y.XmlElement).get(0) as Y.XmlText).insert(6, ' Lost words.');
    await expect(field(ben, 'Body')).toHaveText('Saved. Lost words.');
    await typeAtEndOfBody(ben, ' Built on them.');
    await eventually(() => expect(bodyText(anaClient.doc)).toBe('Saved. Lost words. Built on them.'), 10_000);
    // Ana's tab goes away with her unsaved words; then the server dies and comes back without them.
    anaClient.close();
    await server.stop();
    control.failing = false;
    server = await startTestServer({ dataDir, port, wrapStore: wrap });

    await expect(ben.getByRole('status').filter({ hasText: HELD })).toBeVisible({ timeout: 30_000 });
    await expect(ben.getByText('Some of your changes can’t be saved yet')).toBeVisible();
    await expect(field(ben, 'Body')).toHaveText('Saved. Lost words. Built on them.');
    // What this adds to the page (the story page's older findings are issue 16's).
    const axe = () => new AxeBuilder({ page: ben }).include('.banner--notice').include('.save-state--held').analyze();
    expect((await axe()).violations).toEqual([]);
    await ben.setViewportSize({ width: 390, height: 844 });
    const notice = ben.getByText('Some of your changes can’t be saved yet');
    await notice.scrollIntoViewIfNeeded();
    await expect(notice).toBeInViewport({ ratio: 1 });
    expect((await notice.boundingBox())!.width).toBeLessThanOrEqual(390);
    await ben.screenshot({ path: test.info().outputPath('held-390.png') });
    expect((await axe()).violations).toEqual([]);

    // Ana comes back with her words: both are saved, once each, and Ben is told.
    const anaBack = await connectClient(server, ana, storyId, anaClient.doc);
    await anaBack.provider.whenSaved();
    await expect(ben.getByRole('status').filter({ hasText: 'All changes saved' })).toBeVisible({ timeout: 20_000 });
    await expect(ben.getByText('Some of your changes can’t be saved yet')).toHaveCount(0);
    await expect(ben.getByRole('alert').filter({ hasText: 'Saving failed' })).toHaveCount(0);
    await eventually(
      async () => expect(bodyText(await storedDoc(server.store, storyId))).toBe('Saved. Lost words. Built on them.'),
      10_000,
    );
    anaBack.close();
    await ben.context().close();
  } finally {
    await server.close();
  }
});
