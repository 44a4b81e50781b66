import { randomUUID } from 'node:crypto';
import AxeBuilder from '@axe-core/playwright';
import { ASSIGNEES_ROOT, PLANNING_ROOT } from '../../shared/planning';
import { connectClient, type TestClient } from '../helpers/clients';
import { call, writeStory } from '../helpers/http';
import { createUser, expect, signedInPage, test, twoEditorsOnANewStory } from './fixtures';

test('an editor assigns a writer with a due time; both see the planning live, and the writer’s newsroom says it is theirs and overdue', async ({
  browser,
  server,
}) => {
  // The newsroom's lists, as an editor keeps them (Settings; tests/e2e/newsroomDesk.spec.ts).
  for (const [kind, name] of [
    ['sections', 'City'],
    ['tags', 'ferries'],
  ] as const) {
    await server.store.addTerm({ id: randomUUID(), kind, name, key: name.toLowerCase(), createdAt: new Date().toISOString() }, 100);
  }
  const { ana, ben } = await twoEditorsOnANewStory(browser, server);
  const planning = (page: typeof ana) => page.locator('details.planning');
  await planning(ben).locator('summary').click();
  await planning(ana).locator('summary').click();

  // Ben assigns Ana, sets a due time an hour ago, a priority and a section.
  await planning(ben).getByRole('checkbox', { name: 'Ana Writer' }).check();
  const anHourAgo = new Date(Date.now() - 60 * 60 * 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  const local = `${anHourAgo.getFullYear()}-${pad(anHourAgo.getMonth() + 1)}-${pad(anHourAgo.getDate())}T${pad(anHourAgo.getHours())}:${pad(anHourAgo.getMinutes())}`;
  await planning(ben).getByLabel('Due').fill(local);
  await planning(ben).getByLabel('Priority').selectOption('high');
  await planning(ben).getByLabel('Section').selectOption('City');
  await planning(ben).getByLabel('Add a tag').selectOption('ferries');
  await planning(ben).getByRole('button', { name: 'Add tag' }).click();

  // Ana sees each change live, in her own panel.
  await expect(planning(ana).getByRole('checkbox', { name: 'Ana Writer' })).toBeChecked();
  await expect(planning(ana).getByLabel('Priority')).toHaveValue('high');
  await expect(planning(ana).getByLabel('Section')).toHaveValue('City');
  await expect(planning(ana).getByRole('list', { name: 'Tags' })).toHaveText(/ferries/);
  await expect(planning(ana).locator('summary')).toContainText('(overdue)');
  expect((await new AxeBuilder({ page: ana }).include('details.planning').analyze()).violations).toEqual([]);

  // Her newsroom list says the story is hers, overdue and high priority.
  await ana.goto('/');
  const row = ana.getByRole('row').filter({ hasText: 'Assigned to you' });
  await expect(row).toBeVisible({ timeout: 15_000 });
  await expect(row.getByText('Overdue')).toBeVisible();
  await expect(row.getByText('High', { exact: true })).toBeVisible();
  await expect(row).toContainText('City');
  // The Due filter keeps it, in the address too; a story nobody planned is not there.
  await ana.getByLabel('Due').selectOption('overdue');
  await expect(ana).toHaveURL(/due=overdue/);
  await expect(ana.getByRole('row').filter({ hasText: 'Assigned to you' })).toBeVisible();
  await ana.reload();
  await expect(ana.getByLabel('Due')).toHaveValue('overdue');
  // Ben's list names her.
  await ben.goto('/');
  await expect(ben.getByRole('row').filter({ hasText: 'Assigned to Ana Writer' })).toBeVisible();

  // At phone width nothing runs off the side.
  await ana.setViewportSize({ width: 390, height: 844 });
  expect(await ana.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  expect((await new AxeBuilder({ page: ana }).analyze()).violations).toEqual([]);
});

test('a writer assigned a story someone else created finds it in the inbox and under Mine', async ({ browser, server }) => {
  const editor = await createUser(server, 'editor', 'Eda Editor');
  const writer = await createUser(server, 'writer', 'Wren Writer');
  const clients: TestClient[] = [];
  try {
    const storyId = await writeStory(server, editor, { headline: ['Lighthouse keepers'] }, clients);
    await writeStory(server, editor, { headline: ['Tide tables'] }, clients);
    // The editor's browser assigns the writer, due in three hours (as the Planning panel writes it).
    const planner = await connectClient(server, editor, storyId);
    clients.push(planner);
    planner.doc.transact(() => {
      planner.doc.getMap(ASSIGNEES_ROOT).set(writer.id, true);
      planner.doc.getMap(PLANNING_ROOT).set('dueAt', new Date(Date.now() + 3 * 60 * 60 * 1000).toISOString());
    });
    await planner.provider.whenSaved();
    await expect.poll(async () => (await call(server, 'GET', '/api/notifications/unread-count', { user: writer })).body.unread).toBe(1);

    const page = await signedInPage(browser, server, writer);
    const bell = page.getByRole('button', { name: 'Notifications, 1 unread' });
    await bell.click();
    await expect(page.getByRole('region', { name: 'Notifications' })).toContainText('Eda Editor assigned you to “Lighthouse keepers”');
    await bell.click();

    await expect(page.getByRole('link', { name: 'Tide tables' })).toBeVisible();
    await page.getByRole('checkbox', { name: 'Mine' }).check();
    await expect(page).toHaveURL(/mine=1/);
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'Lighthouse keepers' }) });
    await expect(row).toContainText('Assigned to you');
    await expect(page.getByRole('link', { name: 'Tide tables' })).toHaveCount(0);
  } finally {
    clients.forEach((c) => c.close());
  }
});
