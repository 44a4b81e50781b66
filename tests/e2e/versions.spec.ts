import { expect, expectSaved, field, test, twoEditorsOnANewStory } from './fixtures';

test('saves named versions, compares two, and reverts one person’s changes for everyone', async ({ browser, server }) => {
  const { ana, ben } = await twoEditorsOnANewStory(browser, server);
  await field(ana, 'Body').fill('The council met on Monday.');
  await expect(field(ben, 'Body')).toHaveText('The council met on Monday.');
  await expectSaved(ana);

  await ana.getByRole('button', { name: 'History' }).click();
  const history = ana.getByRole('region', { name: 'History' });
  await expect(history.getByText('No versions yet.')).toBeVisible();
  await history.getByLabel('Version name').fill('First draft');
  await history.getByRole('button', { name: 'Save version' }).click();
  await expect(history.getByRole('heading', { name: /Revision 1/ })).toContainText('First draft');
  await expect(history).toContainText('Saved by Ana Writer');
  await expect(history.getByLabel('Version name')).toHaveValue('');
  // Ben, with History open, sees versions others save without reopening it.
  await ben.getByRole('button', { name: 'History' }).click();
  const benHistory = ben.getByRole('region', { name: 'History' });
  await expect(benHistory.getByRole('heading', { name: /Revision 1/ })).toContainText('First draft');

  // Since the version: Ana writes a headline, Ben adds a sentence to the body.
  await field(ana, 'Headline').fill('Council meets');
  await field(ben, 'Body').focus();
  await ben.keyboard.press('Control+End');
  await ben.keyboard.type(' Ben adds this.');
  await expect(field(ana, 'Body')).toHaveText('The council met on Monday. Ben adds this.');
  await expectSaved(ana);
  await expectSaved(ben);
  await history.getByLabel('Version name').fill('Second');
  await history.getByRole('button', { name: 'Save version' }).click();
  const version = (number: number) =>
    history.getByRole('listitem').filter({ has: ana.getByRole('heading', { name: `Revision ${number}` }) });
  await expect(version(2).getByRole('heading')).toContainText('Second');
  await expect(version(2)).toContainText('Changes by Ana Writer, Ben Editor');
  await expect(benHistory.getByRole('heading', { name: /Revision 2/ })).toContainText('Second');

  // Any two versions compare.
  await history.getByLabel('Compare', { exact: true }).selectOption({ label: 'Revision 1 · First draft' });
  await history.getByLabel('With').selectOption({ label: 'Revision 2 · Second' });
  await history.getByRole('button', { name: 'Compare', exact: true }).click();
  const comparison = ana.getByRole('region', { name: 'Revision 1 compared with revision 2' });
  await expect(comparison.locator('ins', { hasText: 'Ben adds this.' })).toHaveCount(1);
  await expect(comparison.locator('ins', { hasText: 'Council meets' })).toHaveCount(1);

  // Revert Ben's changes since revision 1: his sentence goes, Ana's headline stays, for both of them.
  const first = version(1);
  await first.getByRole('button', { name: 'Revert one person’s changes since this version' }).click();
  const revert = first.getByRole('form', { name: 'Revert one person’s changes since revision 1' });
  await revert.getByLabel('Whose changes').selectOption({ label: 'Ben Editor' });
  await revert.getByRole('button', { name: 'Revert changes' }).click();
  await expect(history.getByRole('status')).toContainText('Ben Editor’s changes since revision 1 were reverted for everyone in the story.');
  for (const page of [ana, ben]) {
    await expect(field(page, 'Body')).toHaveText('The council met on Monday.');
    await expect(field(page, 'Headline')).toHaveText('Council meets');
  }
});
