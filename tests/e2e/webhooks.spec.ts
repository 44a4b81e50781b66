/**
 * Settings → Webhooks (docs/webhooks.md), as an admin uses it with a real receiver on 127.0.0.1: add an endpoint,
 * copy its secret (shown once), send a test, read the delivery log (a failed answer, the payload), redeliver,
 * disable and remove. The receiver answers with an XSS payload, the endpoint's URL carries one and so does the
 * published story's headline in the payload: all shown as text, none run. At 390 px, with no axe violations.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { XSS_PAYLOADS } from '../fixtures/xssPayloads';
import type { TestClient } from '../helpers/clients';
import { call, writeStory } from '../helpers/http';
import { startTestServer } from '../helpers/testServer';
import { startWebhookReceiver } from '../helpers/webhookReceiver';
import { createUser, expect, signedInPage, test } from './fixtures';

const payload = (name: string) => XSS_PAYLOADS.find((p) => p.name === name)!.payload;
const SCRIPT = payload('script tag');
const ONERROR = payload('img onerror');

/** What a page would hold if a payload had become markup rather than text. */
const injected = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('*')].flatMap((element) => [
      ...[...element.attributes].filter((a) => a.name.startsWith('on')).map((a) => `${element.tagName} ${a.name}`),
      ...(element.matches('img[src="x"], script:not([src]):not([type])') ? [element.outerHTML.slice(0, 120)] : []),
    ]),
  );

test('an admin adds a webhook, reads its deliveries as text and redelivers, at 390 px', async ({ browser }) => {
  const server = await startTestServer({ env: { WEBHOOK_ALLOW_PRIVATE: '1', WEBHOOK_RETRY_BASE_MS: '3600000' } });
  const receiver = await startWebhookReceiver();
  const clients: TestClient[] = [];
  try {
    receiver.otherwise = { status: 500, body: `${SCRIPT} ${ONERROR}`, headers: { 'content-type': 'text/html' } };
    const admin = await createUser(server, 'admin', 'Ada Admin');
    const editor = await createUser(server, 'editor', 'Eve Editor');
    const page = await signedInPage(browser, server, admin);
    const alerts: string[] = [];
    page.on('dialog', (dialog) => {
      if (dialog.type() === 'confirm') return void dialog.accept();
      alerts.push(dialog.message());
      return void dialog.dismiss();
    });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('link', { name: 'Settings' }).click();
    const section = page.getByRole('region', { name: 'Webhooks' });
    await expect(section.getByText('No webhooks yet.')).toBeVisible();

    // A URL the server refuses is answered at the field.
    await section.getByRole('textbox', { name: 'Endpoint URL' }).fill('ftp://example.com/');
    await section.getByRole('button', { name: 'Add webhook' }).click();
    await expect(section.getByText('Enter an http:// or https:// URL without a user name or password')).toBeVisible();

    const url = `${receiver.url}/hook?x="><img src=x onerror=alert(1)>`;
    await section.getByRole('textbox', { name: 'Endpoint URL' }).fill(url);
    await section.getByRole('checkbox', { name: 'Deleted' }).uncheck();
    await section.getByRole('button', { name: 'Add webhook' }).click();
    const secret = section.getByRole('textbox', { name: 'Signing secret' });
    await expect(secret).toHaveValue(/^whsec_/);
    expect((await call(server, 'GET', '/api/webhooks', { user: admin })).body.endpoints[0]).toMatchObject({
      url,
      events: ['story.published', 'story.updated', 'story.unpublished'],
    });
    await section.getByRole('button', { name: 'Done' }).click();
    await expect(secret).toBeHidden();
    const webhook = section.getByRole('listitem').filter({ hasText: url });
    await expect(webhook).toContainText('Active');

    // A published story with a hostile headline, and a test event: both fail at the receiver.
    const headline = `Harbour ${SCRIPT}`;
    const storyId = await writeStory(
      server,
      editor,
      { headline: [headline], standfirst: ['S.'], byline: ['B.'], body: ['Body.'] },
      clients,
    );
    expect((await call(server, 'POST', `/api/stories/${storyId}/publish`, { user: editor })).status).toBe(200);
    await webhook.getByRole('button', { name: 'Send test' }).click();
    const log = section.getByRole('region', { name: `Deliveries to ${url}` });
    await expect(log).toBeVisible();
    await expect.poll(() => receiver.received.length).toBe(2);
    await log.getByRole('button', { name: 'Refresh' }).click();
    const deliveries = log.getByRole('listitem');
    await expect(deliveries).toHaveCount(2);
    const published = deliveries.filter({ hasText: 'story.published' });
    await expect(published).toContainText('Retrying');
    await expect(published.getByLabel('What the receiver answered')).toHaveText(`${SCRIPT} ${ONERROR}`);
    await published.getByText('Payload').click();
    await expect(published.getByText(JSON.stringify(headline).slice(1, -1))).toBeVisible();

    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);

    // Redeliver: sent again now, whatever the schedule said.
    receiver.otherwise = { status: 204 };
    await published.getByRole('button', { name: /^Redeliver story\.published/ }).click();
    await expect.poll(() => receiver.received.length).toBe(3);
    await expect(async () => {
      await log.getByRole('button', { name: 'Refresh' }).click();
      await expect(published).toContainText('Delivered', { timeout: 1000 });
    }).toPass();

    await webhook.getByRole('button', { name: 'Disable' }).click();
    await expect(webhook).toContainText('Disabled');
    await webhook.getByRole('button', { name: 'Remove' }).click();
    await expect(section.getByText('No webhooks yet.')).toBeVisible();

    expect(alerts).toEqual([]);
    expect(await injected(page)).toEqual([]);
  } finally {
    clients.forEach((c) => c.close());
    await receiver.close();
    await server.close();
  }
});
