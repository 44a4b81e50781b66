import type { Page } from '@playwright/test';
import { expect, expectSaved, field, type FieldName, test, twoEditorsOnANewStory, typeBurst } from './fixtures';

const undoKey = 'ControlOrMeta+z';
const redoKey = 'ControlOrMeta+Shift+z';

test('Ctrl+Z undoes only your own changes, across fields, newest first, and puts the caret where the change was', async ({
  browser,
  server,
}) => {
  const { ana, ben } = await twoEditorsOnANewStory(browser, server);

  // Ana writes in the headline, then in the body.
  await field(ana, 'Headline').click();
  await ana.keyboard.type('Ferry fares rise');
  await field(ana, 'Body').click();
  await ana.keyboard.type('Tickets cost more from May.');
  await expectSaved(ana);
  // Ben adds to the same headline paragraph, after Ana's words.
  await expect(field(ben, 'Headline')).toHaveText('Ferry fares rise');
  await field(ben, 'Headline').click();
  await ben.keyboard.press('End');
  await ben.keyboard.type(' again');
  await expect(field(ana, 'Headline')).toHaveText('Ferry fares rise again');

  // Ana's undo takes back her latest change (the body) first, and never Ben's words.
  await field(ana, 'Body').click();
  await pressUntil(ana, undoKey, 'Body', '', { Headline: 'Ferry fares rise again' });
  // Then it reaches into the headline: only her words go, and the caret follows the change there.
  await pressUntil(ana, undoKey, 'Headline', ' again', { Body: '' });
  await expect(field(ana, 'Headline')).toBeFocused();
  for (const page of [ana, ben]) {
    await expect(field(page, 'Headline')).toHaveText(' again');
    await expect(field(page, 'Body')).toHaveText('');
  }
  // Nothing of Ben's is on Ana's stack.
  await ana.keyboard.press(undoKey);
  await expect(field(ana, 'Headline')).toHaveText(' again');

  // Redo brings hers back in order, everywhere.
  await pressUntil(ana, redoKey, 'Headline', 'Ferry fares rise again', { Body: '' });
  await pressUntil(ana, redoKey, 'Body', 'Tickets cost more from May.', { Headline: 'Ferry fares rise again' });
  await expect(field(ana, 'Body')).toBeFocused();
  await expectSaved(ana);
  await expect(field(ben, 'Headline')).toHaveText('Ferry fares rise again');
  await expect(field(ben, 'Body')).toHaveText('Tickets cost more from May.');

  // Ben's own undo takes back only his words.
  await field(ben, 'Headline').click();
  await pressUntil(ben, undoKey, 'Headline', 'Ferry fares rise', { Body: 'Tickets cost more from May.' }, (text) =>
    expect(text).toMatch(/^Ferry fares rise/),
  );
  await expect(field(ana, 'Headline')).toHaveText('Ferry fares rise');
  await expect(field(ana, 'Body')).toHaveText('Tickets cost more from May.');
});

/**
 * Presses `key` until the field reads `expected` (typing may have landed as several undo steps),
 * checking after every press that the other fields are untouched and the text is acceptable.
 */
async function pressUntil(
  page: Page,
  key: string,
  name: FieldName,
  expected: string,
  unchanged: Partial<Record<FieldName, string>>,
  acceptable: (text: string) => void = () => {},
): Promise<void> {
  for (let presses = 0; presses < 40 && (await field(page, name).textContent()) !== expected; presses++) {
    await page.keyboard.press(key);
    for (const [other, text] of Object.entries(unchanged))
      await expect(field(page, other as FieldName)).toHaveText(text, { timeout: 1_000 });
    acceptable((await field(page, name).textContent()) ?? '');
  }
  await expect(field(page, name)).toHaveText(expected);
}

test('undo and redo take back a burst of typing as one step while someone else types, in another field and in the same one', async ({
  browser,
  server,
}) => {
  const { ana, ben } = await twoEditorsOnANewStory(browser, server);
  const sentence = 'Tickets cost more from May.';

  // Ben types one character in the standfirst: a remote change in a field Ana is not in.
  await field(ben, 'Standfirst').click();
  await ben.keyboard.type('S');
  await expect(field(ana, 'Standfirst')).toHaveText('S');
  await field(ana, 'Body').click();
  const sentencePauses = await typeBurst(ana, sentence);
  await expect(field(ana, 'Body')).toHaveText(sentence);
  await expectOneStep(ana, undoKey, sentence, '', sentencePauses);
  await expectOneStep(ana, redoKey, '', sentence, sentencePauses);
  await expect(field(ana, 'Standfirst')).toHaveText('S');

  // Ben now types in the body too, after Ana's sentence (once he has it), while she adds another.
  await expect(field(ben, 'Body')).toHaveText(sentence);
  await field(ben, 'Body').click();
  await ben.keyboard.press('End');
  const benPauses = await typeBurst(ben, ' Ben.');
  await expect(field(ana, 'Body')).toHaveText(`${sentence} Ben.`);
  await field(ana, 'Body').click();
  await ana.keyboard.press('ControlOrMeta+Home');
  const more = 'Ferries too. ';
  const morePauses = await typeBurst(ana, more);
  await expect(field(ben, 'Body')).toHaveText(`${more}${sentence} Ben.`);
  await expectOneStep(ana, undoKey, `${more}${sentence} Ben.`, `${sentence} Ben.`, morePauses);
  await expectOneStep(ana, redoKey, `${sentence} Ben.`, `${more}${sentence} Ben.`, morePauses);
  // Ben's words were never Ana's to take back, and his own undo still takes them back whole.
  await expect(field(ben, 'Body')).toHaveText(`${more}${sentence} Ben.`);
  await expectOneStep(ben, undoKey, `${more}${sentence} Ben.`, `${more}${sentence}`, benPauses);
  await expect(field(ana, 'Body')).toHaveText(`${more}${sentence}`);
  await expect(field(ana, 'Standfirst')).toHaveText('S');
});

/**
 * Pressing `key` takes the body from `from` to `to` in one step, or one more for each pause the typing had
 * (`pauses`, measured by typeBurst) and one for a pause between a key and its change; never one character
 * per press, as it did once someone else had typed.
 */
async function expectOneStep(page: Page, key: string, from: string, to: string, pauses: number): Promise<void> {
  await expect(field(page, 'Body')).toHaveText(from);
  for (let presses = 1; ; presses++) {
    await page.keyboard.press(key);
    // Each press is a whole step or nothing: wait until this one has shown.
    await expect.poll(() => field(page, 'Body').textContent()).not.toBe(from);
    if ((await field(page, 'Body').textContent()) === to) return;
    expect(presses, `still "${await field(page, 'Body').textContent()}" after ${presses} presses (${pauses} pauses)`).toBeLessThan(
      2 + pauses,
    );
    from = (await field(page, 'Body').textContent()) ?? '';
  }
}
