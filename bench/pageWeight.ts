/**
 * Page weight of the story editor, cold: a fresh browser context (no cache, no service worker) opens an
 * existing story on a server on loopback. Reports the JavaScript and CSS it transferred (compressed, as
 * sent) and uncompressed, and the time from navigation to a typeable Headline (editable, and the first
 * keystroke shows). Median of RUNS cold opens.
 *   npm run bench:page-weight
 */
import fs from 'node:fs';
import { chromium, type Page } from '@playwright/test';
import { ensureClientBuild } from '../scripts/clientBuild';
import { createStory } from '../tests/helpers/clients';
import { createUser, startTestServer } from '../tests/helpers/testServer';

const RUNS = 7;
const executablePath = process.env.CHROMIUM_PATH || (fs.existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);

type Load = { jsSent: number; jsRaw: number; cssSent: number; cssRaw: number; typeableMs: number };

async function coldOpen(page: Page, url: string): Promise<Load> {
  const load: Load = { jsSent: 0, jsRaw: 0, cssSent: 0, cssRaw: 0, typeableMs: 0 };
  const counted: Promise<void>[] = [];
  page.on('requestfinished', (request) => {
    const kind = request.resourceType();
    if (kind !== 'script' && kind !== 'stylesheet') return;
    counted.push(
      (async () => {
        const [sizes, response] = await Promise.all([request.sizes(), request.response()]);
        const raw = (await response?.body())?.byteLength ?? 0;
        if (kind === 'script') {
          load.jsSent += sizes.responseBodySize;
          load.jsRaw += raw;
        } else {
          load.cssSent += sizes.responseBodySize;
          load.cssRaw += raw;
        }
      })(),
    );
  });
  const started = performance.now();
  await page.goto(url);
  const headline = page.getByRole('textbox', { name: 'Headline', exact: true });
  await headline.click();
  await page.keyboard.type('x');
  await headline.getByText('x').waitFor();
  load.typeableMs = performance.now() - started;
  await page.waitForLoadState('networkidle');
  await Promise.all(counted);
  return load;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;

async function main(): Promise<void> {
  ensureClientBuild();
  const server = await startTestServer();
  const browser = await chromium.launch({ executablePath });
  try {
    const writer = await createUser(server, 'writer', 'Page Weight');
    const loads: Load[] = [];
    for (let run = 0; run < RUNS; run++) {
      const storyId = await createStory(server, writer);
      const context = await browser.newContext({ baseURL: server.url, serviceWorkers: 'block' });
      const [name, value] = writer.cookie.split(';')[0].split('=');
      await context.addCookies([{ name, value, url: server.url }]);
      loads.push(await coldOpen(await context.newPage(), `/story/${storyId}`));
      await context.close();
    }
    const m = (key: keyof Load) => median(loads.map((l) => l[key]));
    console.log(`Story editor, cold open on loopback (median of ${RUNS}, Chromium ${browser.version()}):\n`);
    console.log('| measure | value |\n|---|---|');
    console.log(`| JavaScript transferred (compressed) | ${kb(m('jsSent'))} |`);
    console.log(`| JavaScript uncompressed | ${kb(m('jsRaw'))} |`);
    console.log(`| CSS transferred (compressed) | ${kb(m('cssSent'))} |`);
    console.log(`| CSS uncompressed | ${kb(m('cssRaw'))} |`);
    console.log(`| navigation → typeable Headline | ${m('typeableMs').toFixed(0)} ms |`);
  } finally {
    await browser.close();
    await server.close();
  }
}

await main();
