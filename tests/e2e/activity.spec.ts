/**
 * The story's Activity panel: an editor watching it sees a writer's submission arrive live, then their
 * own send-back with its note (shown as text, never markup), each with its time; at a phone's width as a
 * sheet, with no axe violations.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, expectSaved, field, test, twoEditorsOnANewStory } from './fixtures';

test('an editor sees the timeline update live as a writer submits the story for review', async ({ browser, server }) => {
  const { ana, ben } = await twoEditorsOnANewStory(browser, server);
  await ben.getByRole('button', { name: 'Activity' }).click();
  const timeline = ben.getByRole('list', { name: 'Story activity' });
  await expect(timeline.getByRole('listitem')).toHaveText([/^Ana Writer created the story · \d\d:\d\d$/]);

  await field(ana, 'Headline').click();
  await ana.keyboard.type('Ferry fares rise in spring');
  await field(ana, 'Body').click();
  await ana.keyboard.type('The council voted last night.');
  await expectSaved(ana);
  await ana.getByRole('button', { name: 'Submit for review' }).click();

  // Live: no reload on Ben's side, newest first.
  await expect(timeline.getByRole('listitem')).toHaveText([/^Ana Writer submitted it for review · /, /^Ana Writer created the story · /]);
  const submitted = timeline.getByRole('listitem').first().locator('time');
  const at = await submitted.getAttribute('datetime');
  expect(Date.now() - Date.parse(at!)).toBeLessThan(60_000);

  await ben.getByRole('button', { name: 'Send back' }).click();
  const dialog = ben.getByRole('dialog', { name: 'Send back to draft' });
  await dialog.getByLabel('Note').fill('Needs a second source <img src=x onerror=alert(1)>');
  await dialog.getByRole('button', { name: 'Send back' }).click();
  await expect(timeline.getByRole('listitem').first()).toHaveText(
    /^Ben Editor sent it back: “Needs a second source <img src=x onerror=alert\(1\)>” · \d\d:\d\d$/,
  );
  await expect(timeline.locator('img')).toHaveCount(0);

  // Ana, with the panel opened afterwards, reads the same timeline.
  await ana.getByRole('button', { name: 'Activity' }).click();
  await expect(ana.getByRole('list', { name: 'Story activity' }).getByRole('listitem')).toHaveCount(3);
});

test('a named version and its restore, made in the History panel, reach an open timeline live', async ({ browser, server }) => {
  const { ana, ben } = await twoEditorsOnANewStory(browser, server);
  await ben.getByRole('button', { name: 'Activity' }).click();
  const timeline = ben.getByRole('list', { name: 'Story activity' });
  await expect(timeline.getByRole('listitem')).toHaveCount(1);

  await field(ana, 'Body').click();
  await ana.keyboard.type('The first trams stop at Mill Road.');
  await expectSaved(ana);
  await ana.getByRole('button', { name: 'History' }).click();
  const history = ana.getByRole('region', { name: 'History' });
  await history.getByLabel('Version name').fill('Before legal');
  await history.getByRole('button', { name: 'Save version' }).click();
  await expect(timeline.getByRole('listitem').first()).toHaveText(/^Ana Writer saved version \d+: “Before legal” · /);

  await field(ana, 'Body').click();
  await ana.keyboard.type(' And Quay Street.');
  await expectSaved(ana);
  await history.getByRole('button', { name: 'Restore this version' }).first().click();
  await ana
    .getByRole('dialog', { name: /^Restore revision \d+\?$/ })
    .getByRole('button', { name: 'Restore' })
    .click();
  await expect(timeline.getByRole('listitem').first()).toHaveText(/^Ana Writer restored version \d+: “Before legal” · /);
});

test('the Activity panel is a sheet at 390 px with no axe violations', async ({ browser, server }) => {
  const { ben } = await twoEditorsOnANewStory(browser, server);
  await ben.setViewportSize({ width: 390, height: 844 });
  await ben.getByRole('button', { name: 'Activity' }).click();
  await expect(ben.getByRole('list', { name: 'Story activity' }).getByRole('listitem')).toHaveCount(1);
  const close = ben.getByRole('button', { name: 'Close activity' });
  await expect(close).toBeInViewport();
  const { violations } = await new AxeBuilder({ page: ben }).analyze();
  expect(violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  await close.click();
  await expect(ben.getByRole('button', { name: 'Activity' })).toHaveAttribute('aria-expanded', 'false');
});
