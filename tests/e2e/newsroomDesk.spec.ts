/**
 * Issue 18, the newsroom desk: an editor keeps the list of sections in Settings and a writer picks one in
 * the story's Planning panel; the newsroom filters by who a story is assigned to and sorts by due time,
 * soonest first and stories without one last, kept in the address.
 */
import AxeBuilder from '@axe-core/playwright';
import { ASSIGNEES_ROOT, PLANNING_ROOT } from '../../shared/planning';
import { connectClient, setParagraphs } from '../helpers/clients';
import { call } from '../helpers/http';
import { createUser, expect, expectSaved, field, signedInPage, test } from './fixtures';

test('an editor adds a section in Settings and a writer picks it in the Planning panel', async ({ browser, server }) => {
  const editor = await signedInPage(browser, server, await createUser(server, 'editor', 'Eddie Editor'));
  const writer = await signedInPage(browser, server, await createUser(server, 'writer', 'Wanda Writer'));

  await editor.getByRole('link', { name: 'Sections and tags' }).click();
  await expect(editor.getByRole('heading', { name: 'Sections and tags' })).toBeVisible();
  await editor.getByLabel('New section').fill('  Harbour   desk ');
  await editor.getByRole('button', { name: 'Add section' }).click();
  await expect(editor.getByRole('list', { name: 'Sections' }).getByText('Harbour desk', { exact: true })).toBeVisible();
  // The same name in other case is refused, with a reason at the field.
  await editor.getByLabel('New section').fill('HARBOUR DESK');
  await editor.getByRole('button', { name: 'Add section' }).click();
  await expect(editor.getByText('There is a section with this name already')).toBeVisible();
  await editor.getByLabel('New tag').fill('ferries');
  await editor.getByRole('button', { name: 'Add tag' }).click();
  await expect(editor.getByRole('list', { name: 'Tags' }).getByText('ferries')).toBeVisible();
  expect((await new AxeBuilder({ page: editor }).analyze()).violations).toEqual([]);
  // A writer's Settings has no lists to keep.
  await writer.goto('/settings');
  await expect(writer.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
  await expect(writer.getByRole('heading', { name: 'Sections and tags' })).toHaveCount(0);

  // The writer picks it in a new story's Planning.
  await writer.goto('/');
  await writer.getByRole('button', { name: 'New story' }).click();
  await expect(field(writer, 'Headline')).toBeEditable({ timeout: 20_000 });
  const planning = writer.locator('details.planning');
  await planning.locator('summary').click();
  await planning.getByLabel('Section').selectOption('Harbour desk');
  await planning.getByLabel('Add a tag').selectOption('ferries');
  await planning.getByRole('button', { name: 'Add tag' }).click();
  await expect(planning.locator('summary')).toContainText('Harbour desk');
  await expect(planning.getByRole('list', { name: 'Tags' })).toHaveText(/ferries/);
  await expectSaved(writer);

  // The editor renames the section: the writer's open story follows, live.
  await editor.getByRole('button', { name: 'Rename section Harbour desk' }).click();
  await editor.getByLabel('New name for Harbour desk').fill('Port desk');
  await editor.getByRole('list', { name: 'Sections' }).getByRole('button', { name: 'Save' }).click();
  await expect(editor.getByRole('status').filter({ hasText: 'Renamed “Harbour desk” to “Port desk”, in 1 story' })).toBeAttached({
    timeout: 15_000,
  });
  await expect(planning.getByLabel('Section')).toHaveValue('Port desk');

  // Removed from the list, the story keeps it, marked.
  editor.once('dialog', (dialog) => void dialog.accept());
  await editor.getByRole('button', { name: 'Remove section Port desk' }).click();
  await expect(editor.getByRole('list', { name: 'Sections' })).toHaveCount(0);
  await writer.reload();
  await writer.locator('details.planning summary').click();
  await expect(writer.getByLabel('Section')).toHaveValue('Port desk');
  await expect(writer.getByRole('option', { name: 'Port desk (not in the list)' })).toBeAttached();

  // The newsroom filters by the section from its list.
  await editor.goto('/');
  await editor.getByLabel('Tag').selectOption('ferries');
  await expect(editor).toHaveURL(/tag=ferries/);
  await expect(editor.getByRole('row')).toHaveCount(2, { timeout: 15_000 });
});

test('the newsroom filters by assignee and sorts by due time, soonest first, none last', async ({ browser, server }) => {
  const editorUser = await createUser(server, 'editor', 'Eddie Editor');
  const wanda = await createUser(server, 'writer', 'Wanda Writer');
  await createUser(server, 'writer', 'Will Writer');
  // Three stories planned by a client as the editor's Planning panel writes them.
  const hour = 3600_000;
  const plans = [
    { headline: 'Later', dueAt: new Date(Date.now() + 5 * hour).toISOString(), assignee: wanda.id },
    { headline: 'Undated', dueAt: null, assignee: wanda.id },
    { headline: 'Sooner', dueAt: new Date(Date.now() + 2 * hour).toISOString(), assignee: null },
  ];
  for (const plan of plans) {
    const storyId = (await call(server, 'POST', '/api/stories', { user: editorUser, body: {} })).body.id as string;
    const client = await connectClient(server, editorUser, storyId);
    setParagraphs(client.doc, 'headline', [plan.headline]);
    client.doc.transact(() => {
      if (plan.dueAt) client.doc.getMap(PLANNING_ROOT).set('dueAt', plan.dueAt);
      if (plan.assignee) client.doc.getMap(ASSIGNEES_ROOT).set(plan.assignee, true);
    });
    await client.provider.whenSaved();
    client.close();
  }

  const page = await signedInPage(browser, server, editorUser);
  const headlines = () => page.getByRole('row').getByRole('rowheader').getByRole('link');
  await page.getByLabel('Sort by').selectOption('due');
  await expect(page).toHaveURL(/sort=due/);
  await expect(headlines()).toHaveText(['Sooner', 'Later', 'Undated'], { timeout: 15_000 });

  await page.getByLabel('Assigned to').selectOption({ label: 'Wanda Writer' });
  await expect(page).toHaveURL(new RegExp(`assignee=${wanda.id}`));
  await expect(headlines()).toHaveText(['Later', 'Undated']);
  await page.reload();
  await expect(page.getByLabel('Assigned to')).toHaveValue(wanda.id);
  await expect(page.getByLabel('Sort by')).toHaveValue('due');
  await expect(headlines()).toHaveText(['Later', 'Undated']);

  // Due today, in this browser's time zone (sent with the query, not kept in the address).
  await page.getByLabel('Assigned to').selectOption('');
  const asked = page.waitForRequest((request) => request.url().includes('due=today'));
  await page.getByLabel('Due').selectOption('today');
  expect(new URL((await asked).url()).searchParams.get('tz')).toBe(
    await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone),
  );
  await expect(page).toHaveURL(/due=today/);
  await expect(page).not.toHaveURL(/tz=/);
  await expect(page.getByLabel('Due')).toHaveValue('today');
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
});
