/**
 * The account the scale-out benchmarks type as: created straight in the Postgres store the nodes share,
 * then signed in on one node for its session cookie.
 */
import { createAccount } from '../server/auth/accounts';
import { PgStore } from '../server/persistence/pg/PgStore';
import { signIn, type TestUser } from '../tests/helpers/testServer';

const PASSWORD = 'a long benchmark password';

export async function benchAccount(databaseUrl: string, nodeUrl: string, name: string): Promise<TestUser> {
  const email = `${name.toLowerCase()}@example.test`;
  const store = await PgStore.open(databaseUrl);
  const user = await createAccount(store, { email, name, role: 'writer', password: PASSWORD });
  await store.close();
  return { id: user.id, email, password: PASSWORD, name, role: 'writer', cookie: await signIn(nodeUrl, email, PASSWORD) };
}
