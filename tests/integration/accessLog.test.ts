import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/logger';
import { eventually } from '../helpers/clients';
import { call } from '../helpers/http';
import { createUser, startTestServer, type TestServer } from '../helpers/testServer';

type LogLine = {
  level: number;
  msg: string;
  req?: Record<string, unknown>;
  res?: Record<string, unknown>;
  responseTime?: number;
  userId?: string;
};
const DEBUG = 20;
const INFO = 30;

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A server whose log (the app's own logger, at trace level) is kept as raw lines. */
async function loggedServer(): Promise<{ server: TestServer; raw: string[]; lines: () => LogLine[] }> {
  const raw: string[] = [];
  server = await startTestServer({ log: createLogger('trace', { write: (line: string) => void raw.push(line) }) });
  return { server, raw, lines: () => raw.map((line) => JSON.parse(line) as LogLine) };
}

/** The access log lines for `url` (a path: the log never holds a query string). */
const accessLines = (lines: LogLine[], url: string) => lines.filter((line) => line.req?.url === url);

describe('the HTTP access log', () => {
  it('writes one line per request at info: method, path, status, time and the signed-in user', async () => {
    const { server, lines } = await loggedServer();
    const user = await createUser(server, 'writer');
    expect((await call(server, 'GET', '/api/session', { user })).status).toBe(200);
    expect((await call(server, 'GET', '/api/stories')).status).toBe(401);

    const session = await eventually(() => {
      const found = accessLines(lines(), '/api/session').filter((line) => line.req?.method === 'GET');
      expect(found).toHaveLength(1);
      return found[0];
    });
    expect(session).toMatchObject({ level: INFO, req: { method: 'GET', url: '/api/session' }, res: { statusCode: 200 }, userId: user.id });
    expect(session.responseTime).toBeGreaterThanOrEqual(0);
    // Nothing more than that about the request or the answer.
    expect(Object.keys(session.req!).sort()).toEqual(['method', 'url']);
    expect(Object.keys(session.res!)).toEqual(['statusCode']);

    const refused = await eventually(() => {
      const found = accessLines(lines(), '/api/stories');
      expect(found).toHaveLength(1);
      return found[0];
    });
    expect(refused).toMatchObject({ level: INFO, req: { method: 'GET' }, res: { statusCode: 401 } });
    expect(refused.userId).toBeUndefined();
  });

  it('never writes cookies, Authorization, set-cookie or the query string', async () => {
    const { server, raw, lines } = await loggedServer();
    const user = await createUser(server, 'writer');
    const token = (await call(server, 'POST', '/api/tokens', { user, body: { name: 'log check' } })).body.token as string;
    expect(token).toEqual(expect.any(String));
    expect((await call(server, 'GET', '/api/session', { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    expect((await call(server, 'GET', '/stories?page=1&secret=query-value-that-must-stay-out')).status).toBe(200);

    await eventually(() => expect(accessLines(lines(), '/stories')).toHaveLength(1));
    const bearer = await eventually(() => {
      const found = accessLines(lines(), '/api/session').filter((line) => line.req?.method === 'GET');
      expect(found).toHaveLength(1);
      return found[0];
    });
    expect(bearer.userId).toBe(user.id);
    const log = raw.join('');
    for (const secret of [user.cookie.split('=')[1], token, user.password, 'query-value-that-must-stay-out']) {
      expect(log).not.toContain(secret);
    }
  });

  it('writes the app’s own files at debug, keeping info to what people did', async () => {
    const { server, lines } = await loggedServer();
    // Whatever the answer (a missing file is refused, the build may not exist): debug, from the app's router.
    const { status } = await call(server, 'GET', '/assets/no-such-file.js');
    expect(status).toBeLessThan(500);
    const line = await eventually(() => {
      const found = accessLines(lines(), '/assets/no-such-file.js');
      expect(found).toHaveLength(1);
      return found[0];
    });
    expect(line).toMatchObject({ level: DEBUG, res: { statusCode: status } });
  });
});

describe('the logger', () => {
  it('redacts the headers that carry credentials wherever pino’s standard serializers would write them', () => {
    const raw: string[] = [];
    const log = createLogger('info', { write: (line: string) => void raw.push(line) });
    log.info(
      {
        req: { headers: { cookie: 'galley_session=abc', authorization: 'Bearer tok' } },
        res: { headers: { 'set-cookie': 'galley_session=def' } },
      },
      'request completed',
    );
    const line = JSON.parse(raw[0]) as { req: { headers: Record<string, string> }; res: { headers: Record<string, string> } };
    expect(line.req.headers).toEqual({ cookie: '[Redacted]', authorization: '[Redacted]' });
    expect(line.res.headers).toEqual({ 'set-cookie': '[Redacted]' });
  });
});
