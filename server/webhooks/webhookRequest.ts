/**
 * One delivery attempt: a POST of the signed JSON body to the endpoint's URL, within a time limit, reading at
 * most a few kilobytes of the answer. Redirects are never followed (a 3xx is a failed attempt): a receiver
 * must not be able to point Galley's requests somewhere else. The address is checked as it is connected to
 * (webhookAddress.ts).
 */
import http from 'node:http';
import https from 'node:https';
import { WEBHOOK_LIMITS } from '../../shared/webhooks';
import { addressRefusal, guardedLookup } from './webhookAddress';

export type WebhookResponse = { delivered: boolean; status: number | null; excerpt: string };

export type WebhookRequest = { url: string; headers: Record<string, string>; body: string };

/** Bytes of an answer read before the connection is dropped: enough for the excerpt the log keeps. */
const READ_BYTES = 4096;

export async function sendWebhook(
  request: WebhookRequest,
  options: { timeoutMs: number; allowPrivate: boolean },
): Promise<WebhookResponse> {
  const url = new URL(request.url);
  const refusal = await addressRefusal(url, options.allowPrivate);
  if (refusal) return { delivered: false, status: null, excerpt: `Not sent: ${refusal}` };
  try {
    const { status, text } = await post(url, request, options);
    const redirect = status >= 300 && status < 400;
    const excerpt = redirect ? 'Redirects are not followed' : excerptOf(text);
    return { delivered: status >= 200 && status < 300, status, excerpt };
  } catch (error) {
    return { delivered: false, status: null, excerpt: excerptOf(String((error as Error).message ?? error)) };
  }
}

/** The start of an answer, as the log keeps it: without NUL characters, which Postgres text cannot hold. */
const excerptOf = (text: string) => text.slice(0, WEBHOOK_LIMITS.responseExcerptChars).replaceAll('\u0000', '\uFFFD');

function post(
  url: URL,
  request: WebhookRequest,
  options: { timeoutMs: number; allowPrivate: boolean },
): Promise<{ status: number; text: string }> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(url, {
      method: 'POST',
      headers: { ...request.headers, 'content-length': Buffer.byteLength(request.body) },
      lookup: guardedLookup(options.allowPrivate),
      signal: AbortSignal.timeout(options.timeoutMs),
      agent: false,
    });
    req.on('error', (error) => reject(error.name === 'AbortError' ? new Error(`No answer within ${options.timeoutMs} ms`) : error));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let read = 0;
      const done = () => {
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
        res.destroy();
      };
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        read += chunk.length;
        if (read >= READ_BYTES) done();
      });
      res.on('end', done);
      res.on('error', reject);
    });
    req.end(request.body);
  });
}
