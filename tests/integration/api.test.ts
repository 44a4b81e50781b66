import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectClient, createStory, eventually, setParagraphs, type TestClient } from '../helpers/clients';
import { call as callAs, writeStory as writeStoryAs } from '../helpers/http';
import { createUser, startTestServer, type TestServer, type TestUser } from '../helpers/testServer';

let server: TestServer;
let clients: TestClient[];

beforeEach(async () => {
  server = await startTestServer();
  clients = [];
});
afterEach(async () => {
  clients.forEach((c) => c.close());
  await server.close();
});

const call = (method: string, path: string, options: Parameters<typeof callAs>[3] = {}) => callAs(server, method, path, options);
const writeStory = (user: TestUser, fields: Record<string, string[]>) => writeStoryAs(server, user, fields, clients);

describe('setup and sessions', () => {
  it('creates the first admin once, then refuses', async () => {
    expect((await call('GET', '/api/setup')).body).toEqual({ needsSetup: true });
    const created = await call('POST', '/api/setup', {
      body: { email: 'Chief@Example.test', name: 'Chief Editor', password: 'long enough pw' },
    });
    expect(created.status).toBe(201);
    expect(created.body.user).toMatchObject({ email: 'chief@example.test', role: 'admin' });
    expect(created.headers.get('set-cookie')).toMatch(/galley_session=.+HttpOnly.+SameSite=Lax/i);
    expect((await call('GET', '/api/setup')).body).toEqual({ needsSetup: false });
    const again = await call('POST', '/api/setup', { body: { email: 'x@example.test', name: 'X', password: 'long enough pw' } });
    expect(again.status).toBe(409);
    expect(await server.store.countUsers()).toBe(1);
  });

  it('signs in, reports the session, and signs out', async () => {
    const editor = await createUser(server, 'editor');
    expect((await call('GET', '/api/session', { user: editor })).body.user).toMatchObject({ email: editor.email, role: 'editor' });
    expect((await call('DELETE', '/api/session', { user: editor })).status).toBe(204);
    expect((await call('GET', '/api/session', { user: editor })).status).toBe(401);
    expect((await call('GET', '/api/stories', { user: editor })).status).toBe(401);
  });

  it('gives the same answer for an unknown email and a wrong password', async () => {
    const editor = await createUser(server, 'editor');
    const wrong = await call('POST', '/api/session', { body: { email: editor.email, password: 'not the password' } });
    const unknown = await call('POST', '/api/session', { body: { email: 'nobody@example.test', password: 'not the password' } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
  });
});

describe('bad requests', () => {
  it('answers 400 with a message for malformed or invalid bodies, and changes nothing', async () => {
    const admin = await createUser(server, 'admin');
    const cases = [
      call('POST', '/api/session', { raw: '{"email": ' }),
      call('POST', '/api/session', { body: { email: 'not-an-email', password: 'x' } }),
      call('POST', '/api/session', { body: { email: 'a@b.test', password: 'x', extra: true } }),
      call('POST', '/api/users', {
        user: admin,
        body: { email: 'new@example.test', name: 'New', password: 'long enough pw', role: 'overlord' },
      }),
      call('POST', '/api/users', { user: admin, body: { email: 'new@example.test', name: 'New', password: 'short', role: 'writer' } }),
      call('POST', '/api/stories', { user: admin, body: { unexpected: 1 } }),
      call('GET', '/api/stories/not-a-uuid', { user: admin }),
    ];
    for (const answer of await Promise.all(cases)) {
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe('bad_request');
      expect(answer.body.error.message).toEqual(expect.any(String));
    }
    expect(await server.store.countUsers()).toBe(1);
    expect(await server.store.listStories()).toHaveLength(0);
  });

  it('refuses oversized bodies with 413', async () => {
    const answer = await call('POST', '/api/session', { raw: JSON.stringify({ email: 'a@b.test', password: 'x'.repeat(100_000) }) });
    expect(answer.status).toBe(413);
  });

  it('answers 404 for unknown stories and routes', async () => {
    const editor = await createUser(server, 'editor');
    const id = '00000000-0000-4000-8000-000000000000';
    expect((await call('GET', `/api/stories/${id}`, { user: editor })).status).toBe(404);
    expect((await call('POST', `/api/stories/${id}/publish`, { user: editor })).status).toBe(404);
    expect((await call('GET', '/api/nothing-here', { user: editor })).status).toBe(404);
  });
});

describe('authorisation', () => {
  it('refuses anonymous callers with 401', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    for (const [method, path] of [
      ['GET', '/api/stories'],
      ['POST', '/api/stories'],
      ['GET', `/api/stories/${id}`],
      ['POST', `/api/stories/${id}/publish`],
      ['GET', '/api/users'],
      ['POST', '/api/users'],
    ]) {
      expect((await call(method, path, method === 'GET' ? {} : { body: {} })).status, `${method} ${path}`).toBe(401);
    }
  });

  it('lets only editors and admins publish, and only admins manage accounts', async () => {
    const writer = await createUser(server, 'writer');
    const viewer = await createUser(server, 'viewer');
    const editor = await createUser(server, 'editor');
    const storyId = await writeStory(writer, {
      headline: ['Ready to go'],
      standfirst: ['Short summary.'],
      byline: ['Ana'],
      body: ['Some copy.'],
    });
    expect((await call('POST', `/api/stories/${storyId}/publish`, { user: writer })).status).toBe(403);
    expect((await call('POST', `/api/stories/${storyId}/publish`, { user: viewer })).status).toBe(403);
    expect((await call('POST', '/api/stories', { user: viewer, body: {} })).status).toBe(403);
    expect((await call('GET', '/api/users', { user: editor })).status).toBe(403);
    expect(
      (
        await call('POST', '/api/users', {
          user: editor,
          body: { email: 'z@example.test', name: 'Z', password: 'long enough pw', role: 'admin' },
        })
      ).status,
    ).toBe(403);
    expect((await server.store.getStory(storyId))!.status).toBe('draft');
    expect(await server.store.listRevisions(storyId)).toEqual([]);
    expect((await call('POST', `/api/stories/${storyId}/publish`, { user: editor })).status).toBe(200);
  });

  it('lets an admin add accounts with a role', async () => {
    const admin = await createUser(server, 'admin');
    const added = await call('POST', '/api/users', {
      user: admin,
      body: { email: 'sub@example.test', name: 'Sub Editor', password: 'long enough pw', role: 'editor' },
    });
    expect(added.status).toBe(201);
    const list = await call('GET', '/api/users', { user: admin });
    expect(list.body.users.map((u: { email: string }) => u.email)).toContain('sub@example.test');
    const duplicate = await call('POST', '/api/users', {
      user: admin,
      body: { email: 'sub@example.test', name: 'Again', password: 'long enough pw', role: 'viewer' },
    });
    expect(duplicate.status).toBe(409);
  });
});

describe('newsroom members', () => {
  it('lists active members with names and colours only, for anyone who may read stories', async () => {
    const viewer = await createUser(server, 'viewer', 'Vera Viewer');
    const writer = await createUser(server, 'writer', 'Ana Writer');
    const gone = await createUser(server, 'editor', 'Gus Gone');
    await server.store.updateUser(gone.id, { deactivatedAt: new Date().toISOString() });
    const answer = await call('GET', '/api/members', { user: viewer });
    expect(answer.status).toBe(200);
    expect(answer.body.members).toEqual([
      { id: writer.id, name: 'Ana Writer', color: expect.stringMatching(/^#[0-9a-f]{6}$/i) },
      { id: viewer.id, name: 'Vera Viewer', color: expect.stringMatching(/^#[0-9a-f]{6}$/i) },
    ]);
  });
});

describe('stories and publishing', () => {
  it('creates a story, lists it with its headline and who is in it, and returns its text', async () => {
    const writer = await createUser(server, 'writer');
    const storyId = await writeStory(writer, { headline: ['Tram line reopens'], body: ['Passengers returned on Monday.'] });
    const created = await call('GET', `/api/stories/${storyId}`, { user: writer });
    expect(created.body.story.text).toMatchObject({ headline: 'Tram line reopens', body: 'Passengers returned on Monday.' });
    await eventually(async () => {
      const list = await call('GET', '/api/stories', { user: writer });
      expect(list.body.stories).toEqual([
        expect.objectContaining({
          id: storyId,
          headline: 'Tram line reopens',
          workflow: expect.objectContaining({ status: 'draft', changedBy: writer.name, live: false }),
          present: [expect.objectContaining({ name: writer.name })],
        }),
      ]);
    });
  });

  it('refuses to publish an empty story with field messages', async () => {
    const editor = await createUser(server, 'editor');
    const storyId = await createStory(server, editor);
    const answer = await call('POST', `/api/stories/${storyId}/publish`, { user: editor });
    expect(answer.status).toBe(422);
    expect(answer.body.error.fields).toEqual({
      headline: 'Add a headline',
      standfirst: expect.stringContaining('Add a standfirst'),
      byline: 'Add a byline',
      body: 'Add body text',
    });
    expect(await server.store.listRevisions(storyId)).toEqual([]);
    expect((await call('GET', '/stories')).body).not.toContain(storyId);
  });

  it('publishes a sanitized public page, tells everyone in the story, and republishes under the same slug', async () => {
    const editor = await createUser(server, 'editor', 'Ed Itor');
    const storyId = await writeStory(editor, {
      headline: ['Harbour bridge <script>alert(1)</script> reopens'],
      standfirst: ['Repairs finished early.'],
      byline: ['Sam Writer'],
      body: ['Traffic flowed again on Tuesday.'],
    });
    const watcher = await connectClient(server, await createUser(server, 'viewer'), storyId);
    clients.push(watcher);
    const announced: string[] = [];
    watcher.provider.on('workflow', (w) => announced.push(`${w.status} by ${w.changedBy}`));

    const first = await call('POST', `/api/stories/${storyId}/publish`, { user: editor });
    expect(first.status).toBe(200);
    const { slug, url } = first.body.publication;
    expect(slug).toBe('harbour-bridge-script-alert-1-script-reopens');
    expect(url).toBe(`${server.url}/stories/${slug}`);
    await eventually(() => {
      expect(announced.at(-1)).toBe('published by Ed Itor');
      expect(watcher.provider.workflow).toMatchObject({ status: 'published', live: true, slug, publishedBy: 'Ed Itor' });
    });

    const page = await call('GET', `/stories/${slug}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.body).toContain('Traffic flowed again on Tuesday.');
    expect(page.body).toContain('Repairs finished early.');
    expect(page.body).toContain('Sam Writer');
    expect(page.body).not.toContain('<script>alert(1)</script>');
    expect(page.body).toContain('&lt;script&gt;');

    setParagraphs(clients[0].doc, 'body', ['Traffic flowed again on Tuesday.', 'A second paragraph, added later.']);
    await clients[0].provider.whenSaved();
    const second = await call('POST', `/api/stories/${storyId}/publish`, { user: editor });
    expect(second.body.publication.slug).toBe(slug);
    expect((await call('GET', `/stories/${slug}`)).body).toContain('A second paragraph, added later.');
    expect(await server.store.listRevisions(storyId)).toHaveLength(2);
  });

  it('gives a second story with the same headline its own slug, and lists both publicly with recent stories', async () => {
    const editor = await createUser(server, 'editor');
    const one = await writeStory(editor, { headline: ['Budget day'], standfirst: ['The first one.'], byline: ['Ana'], body: ['One.'] });
    const two = await writeStory(editor, { headline: ['Budget day'], standfirst: ['The second one.'], byline: ['Ana'], body: ['Two.'] });
    const a = (await call('POST', `/api/stories/${one}/publish`, { user: editor })).body.publication.slug;
    const b = (await call('POST', `/api/stories/${two}/publish`, { user: editor })).body.publication.slug;
    expect([a, b]).toEqual(['budget-day', 'budget-day-2']);
    const index = await call('GET', '/stories');
    expect(index.body).toContain('/stories/budget-day"');
    expect(index.body).toContain('/stories/budget-day-2"');
    const page = (await call('GET', '/stories/budget-day-2')).body as string;
    expect(page).toMatch(/Recent stories/i);
    expect(page).toContain('The first one.');
    expect((await call('GET', '/stories/no-such-story')).status).toBe(404);
  });

  it('keeps published pages across a restart', async () => {
    const editor = await createUser(server, 'editor');
    const storyId = await writeStory(editor, {
      headline: ['Still here'],
      standfirst: ['Short summary.'],
      byline: ['Ana'],
      body: ['After the restart.'],
    });
    const { slug } = (await call('POST', `/api/stories/${storyId}/publish`, { user: editor })).body.publication;
    clients.forEach((c) => c.close());
    clients = [];
    await server.stop();
    server = await startTestServer({ dataDir: server.dataDir });
    expect((await call('GET', `/stories/${slug}`)).body).toContain('After the restart.');
    expect((await call('GET', '/api/session', { user: editor })).status).toBe(200);
  });
});
