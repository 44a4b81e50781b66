/**
 * People's colours in a story (shared/personColors.ts): the server gives each person who joins a colour
 * nobody else present has, keeps it while they are there and gives it back when they return if it is free.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { colorForUser } from '../../server/auth/userColors';
import { PERSON_COLORS, storyColor } from '../../shared/personColors';
import { connectClient, createStory, eventually, type TestClient } from '../helpers/clients';
import { createUser, startTestServer, type TestServer, type TestUser } from '../helpers/testServer';

let server: TestServer;
const people: TestUser[] = [];
const clients: TestClient[] = [];

beforeAll(async () => {
  server = await startTestServer();
  for (let i = 0; i <= PERSON_COLORS.length; i++) people.push(await createUser(server, 'writer', `Writer ${i}`));
});

afterAll(async () => {
  clients.forEach((c) => c.close());
  await server?.close();
});

async function join(user: TestUser, storyId: string): Promise<TestClient> {
  const client = await connectClient(server, user, storyId);
  clients.push(client);
  return client;
}

/** Each present person's colour as a client in the story reads it, once the server has given it. */
async function colorsSeenBy(client: TestClient, present: TestUser[]): Promise<string[]> {
  await eventually(() => present.forEach((p) => expect(storyColor(client.doc, p.id), p.name).toBeDefined()));
  return present.map((p) => storyColor(client.doc, p.id)!);
}

describe('colours in a story', () => {
  it('are all different for as many people as there are colours, whatever their accounts’ colours', async () => {
    const storyId = await createStory(server, people[0]);
    const present = people.slice(0, PERSON_COLORS.length);
    // Accounts' colours repeat (a hash into a shorter palette): the story's must not.
    expect(new Set(present.map((p) => colorForUser(p.id))).size).toBeLessThan(present.length);
    const joined: TestClient[] = [];
    for (const person of present) joined.push(await join(person, storyId));
    const seen = await colorsSeenBy(joined[0], present);
    expect(new Set(seen).size).toBe(present.length);
    // Everyone reads the same.
    expect(await colorsSeenBy(joined.at(-1)!, present)).toEqual(seen);
  });

  it('stay with a person who leaves and comes back, and change only when someone present has theirs', async () => {
    const storyId = await createStory(server, people[0]);
    const everyone = people.slice(0, PERSON_COLORS.length);
    const sessions = [];
    for (const person of everyone) sessions.push(await join(person, storyId));
    const first = await colorsSeenBy(sessions[0], everyone);

    // The first person leaves and comes back: the same colour.
    sessions[0].close();
    const back = await join(everyone[0], storyId);
    expect(await colorsSeenBy(back, everyone)).toEqual(first);

    // Everyone but one leaves; a newcomer takes a free colour, which is the first person's.
    back.close();
    sessions.slice(1, -1).forEach((s) => s.close());
    const newcomer = people[PERSON_COLORS.length];
    const watcher = sessions.at(-1)!;
    await join(newcomer, storyId);
    const [newcomerColor] = await colorsSeenBy(watcher, [newcomer]);
    expect(newcomerColor).not.toBe(first.at(-1));
    // The first person returns while the newcomer has their colour: they get another, still unlike anyone's here.
    const returning = await join(everyone[0], storyId);
    const present = [everyone[0], newcomer, everyone.at(-1)!];
    await eventually(async () => expect(new Set(await colorsSeenBy(returning, present)).size).toBe(present.length));
  });
});
