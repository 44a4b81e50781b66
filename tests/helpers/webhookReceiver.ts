/**
 * A webhook receiver on 127.0.0.1 at a random port: it keeps every request it gets (path, headers, body, when)
 * and answers each as `decide` says, else with the next of the answers it was told, then with `otherwise`.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

type Received = { path: string; headers: IncomingHttpHeaders; body: string; at: number };
type Answer = { status: number; body?: string; headers?: Record<string, string> };

export type WebhookReceiver = {
  url: string;
  received: Received[];
  /** The answers for the next requests, in order. */
  answer(...answers: Answer[]): void;
  otherwise: Answer;
  /** Decides the answer to each request itself, when set (before the queued answers). */
  decide?: (request: Received) => Answer | undefined;
  close(): Promise<void>;
};

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const queued: Answer[] = [];
  const receiver = {
    received: [] as Received[],
    answer: (...answers: Answer[]) => queued.push(...answers),
    otherwise: { status: 204 } as Answer,
    decide: undefined as WebhookReceiver['decide'],
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = { path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
      receiver.received.push(request);
      const { status, body, headers } = receiver.decide?.(request) ?? queued.shift() ?? receiver.otherwise;
      // Status 0: never answer (a receiver that hangs).
      if (status !== 0) res.writeHead(status, headers).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
