import type { TestClient } from './clients';
import { connectClient, createStory, setParagraphs } from './clients';
import type { TestUser } from './testServer';

export type Answer = { status: number; body: any; headers: Headers; text: string };

/** One HTTP request as a signed-in user (or anonymously); JSON bodies parsed, anything else kept as text. */
export async function call(
  server: { url: string },
  method: string,
  path: string,
  options: { user?: TestUser; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const res = await fetch(server.url + path, {
    method,
    redirect: 'manual',
    headers: {
      ...(options.user ? { cookie: options.user.cookie } : {}),
      ...(options.body !== undefined || options.raw !== undefined ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
    body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // HTML or empty
  }
  return { status: res.status, body, headers: res.headers, text };
}

/** Creates a story and writes paragraphs into its fields through a real Yjs client; resolves once saved. */
export async function writeStory(
  server: { url: string },
  user: TestUser,
  fields: Record<string, string[]>,
  clients: TestClient[],
): Promise<string> {
  const storyId = await createStory(server, user);
  const client = await connectClient(server, user, storyId);
  clients.push(client);
  for (const [field, paragraphs] of Object.entries(fields)) setParagraphs(client.doc, field, paragraphs);
  await client.provider.whenSaved();
  return storyId;
}
