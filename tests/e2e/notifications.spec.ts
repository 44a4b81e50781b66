import { userRoom } from '../../shared/notifications';
/**
 * The bell: an editor hears of a review request live, opens it and lands on the story; marks everything
 * read; and the bell, its panel and the notification settings pass axe at a phone's width.
 */
import AxeBuilder from '@axe-core/playwright';
import { createStory } from '../helpers/clients';
import { createUser, expect, expectSaved, field, signedInPage, test } from './fixtures';

test('an editor gets the review request live in the bell, opens it on the story, and marks all read', async ({ browser, server }) => {
  const writer = await createUser(server, 'writer', 'Ana Writer');
  const editor = await createUser(server, 'editor', 'Ben Editor');
  const ana = await signedInPage(browser, server, writer);
  const ben = await signedInPage(browser, server, editor);
  await expect(ben.getByRole('button', { name: 'Notifications', exact: true })).toBeVisible();

  await ana.getByRole('button', { name: 'New story' }).click();
  await expect(ana).toHaveURL(/\/story\/[0-9a-f-]{36}$/);
  const storyPath = new URL(ana.url()).pathname;
  await field(ana, 'Headline').click();
  await ana.keyboard.type('Ferry fares rise in spring');
  await field(ana, 'Body').click();
  await ana.keyboard.type('The council voted last night.');
  await expectSaved(ana);
  await ana.getByRole('button', { name: 'Submit for review' }).click();

  // Live: no reload on Ben's side.
  const bell = ben.getByRole('button', { name: 'Notifications, 1 unread' });
  await expect(bell).toBeVisible();
  await expect(bell).toContainText('1');
  await bell.click();
  const item = ben.getByRole('link', { name: /Unread: Ana Writer submitted for review “Ferry fares rise in spring”/ });
  await expect(item).toBeVisible();
  await item.click();
  await expect(ben).toHaveURL(new RegExp(`${storyPath}$`));
  await expect(field(ben, 'Headline')).toContainText('Ferry fares rise in spring');
  await expect(ben.getByRole('button', { name: 'Notifications', exact: true })).toBeVisible();

  // Two more (the planning's hooks), then "Mark all as read" from the keyboard.
  const storyId = storyPath.split('/').at(-1)!;
  await server.app.notifier.notifyAssigned(storyId, [editor.id], { id: writer.id, name: writer.name });
  await server.app.notifier.notifyDueSoon([{ storyId, dueAt: new Date(Date.now() + 1_800_000).toISOString(), assigneeIds: [editor.id] }]);
  const twoUnread = ben.getByRole('button', { name: 'Notifications, 2 unread' });
  await expect(twoUnread).toBeVisible();
  await twoUnread.focus();
  await ben.keyboard.press('Enter');
  await expect(ben.getByRole('heading', { name: 'Notifications' })).toBeVisible();
  await ben.getByRole('button', { name: 'Mark all as read' }).click();
  await expect(ben.getByRole('button', { name: 'Notifications', exact: true })).toBeVisible();
  await expect(ben.getByText('Unread:')).toHaveCount(0);
  await ben.keyboard.press('Escape');
  await expect(ben.getByRole('heading', { name: 'Notifications' })).toHaveCount(0);
  await expect(ben.getByRole('button', { name: 'Notifications', exact: true })).toBeFocused();
});

test('a link to a place in a story opens the comments at the thread, or puts the caret in the field', async ({ browser, server }) => {
  const writer = await createUser(server, 'writer', 'Ana Writer');
  const ana = await signedInPage(browser, server, writer);
  const storyId = await createStory(server, writer);
  await ana.goto(`/story/${storyId}#field-body`);
  await expect(field(ana, 'Body')).toBeFocused();
  await ana.goto(`/story/${storyId}#thread-${crypto.randomUUID()}`);
  await expect(ana.getByRole('heading', { name: 'Comments', exact: true })).toBeVisible();
});

test('a notification that arrives while the inbox is loading is counted, not overwritten by the older answer', async ({
  browser,
  server,
}) => {
  const writer = await createUser(server, 'writer', 'Ana Writer');
  const editor = await createUser(server, 'editor', 'Ben Editor');
  const ben = await signedInPage(browser, server, editor);
  await expect(ben.getByRole('button', { name: 'Notifications', exact: true })).toBeVisible();
  // The inbox's next load is answered as the server saw it before the notification: held until the push is in.
  let asked!: () => void;
  const loading = new Promise<void>((resolve) => (asked = resolve));
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await ben.route(
    (url) => url.pathname === '/api/notifications',
    async (route) => {
      const response = await route.fetch();
      asked();
      await held;
      await route.fulfill({ response });
    },
    { times: 1 },
  );
  // The reloaded page's socket must be in Ben's room before the push, or there is no push to cross.
  const room = userRoom(editor.id);
  const before = new Set((await server.app.io.in(room).fetchSockets()).map((socket) => socket.id));
  await ben.reload();
  await loading;
  await expect
    .poll(async () => (await server.app.io.in(room).fetchSockets()).some((socket) => !before.has(socket.id)), { timeout: 30_000 })
    .toBe(true);
  const storyId = await createStory(server, writer);
  await server.app.notifier.notifyAssigned(storyId, [editor.id], { id: writer.id, name: writer.name });
  await expect(ben.getByText(/New notification: Ana Writer assigned you/)).toBeAttached();
  release();
  await expect(ben.getByRole('button', { name: 'Notifications, 1 unread' })).toBeVisible();
  await ben.getByRole('button', { name: 'Notifications, 1 unread' }).click();
  await expect(ben.getByRole('link', { name: /Unread: Ana Writer assigned you to/ })).toBeVisible();
});

test.describe('at 390 px', () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test('the bell, its open panel and the notification settings have no axe violations and fit the screen', async ({ browser, server }) => {
    const writer = await createUser(server, 'writer', 'Ana Writer');
    const editor = await createUser(server, 'editor', 'Ben Editor');
    const ben = await signedInPage(browser, server, editor);
    await ben.setViewportSize({ width: 390, height: 844 });
    const storyId = await createStory(server, writer);
    await server.app.notifier.notifyAssigned(storyId, [editor.id], { id: writer.id, name: writer.name });
    const bell = ben.getByRole('button', { name: 'Notifications, 1 unread' });
    await expect(bell).toBeVisible();
    await bell.click();
    await expect(ben.getByRole('link', { name: /Unread: Ana Writer assigned you to/ })).toBeVisible();
    expect((await new AxeBuilder({ page: ben }).analyze()).violations.map((v) => v.id)).toEqual([]);
    const panel = await ben.getByRole('region', { name: 'Notifications' }).boundingBox();
    expect(panel!.x).toBeGreaterThanOrEqual(0);
    expect(panel!.x + panel!.width).toBeLessThanOrEqual(390);
    expect(await ben.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

    await ben.keyboard.press('Escape');
    await ben.getByRole('link', { name: 'Settings' }).click();
    await expect(ben.getByRole('heading', { name: 'Notifications' })).toBeVisible();
    await ben.getByRole('checkbox', { name: 'Stories assigned to you: in the app' }).uncheck();
    await ben.getByRole('button', { name: 'Save notification settings' }).click();
    await expect(ben.getByRole('status').filter({ hasText: 'Notification settings saved.' })).toBeVisible();
    expect((await server.store.getNotificationPreferences(editor.id))?.inApp.assigned).toBe(false);
    expect((await new AxeBuilder({ page: ben }).analyze()).violations.map((v) => v.id)).toEqual([]);
  });
});
