/**
 * Account administration for scripted set-ups and servers without a browser:
 *   npm run user -- add --email E --name N --role R --password P
 *   npm run user -- role --email E --role R
 *   npm run user -- deactivate --email E        (and: activate)
 *   npm run user -- token --email E [--name N]  (prints a new API token once)
 *   npm run user -- list
 * It works on the store the server's configuration names (DATABASE_URL, else DATA_DIR), says which on
 * stderr, and refuses one that does not exist yet unless given --init. Running servers apply its role
 * changes and deactivations to open connections within 2 seconds (the store tells them).
 */
import { parseArgs } from 'node:util';
import { CreateUserBody, CreateTokenBody } from '../../shared/api';
import { GalleyError } from '../../shared/errors';
import { ROLES } from '../../shared/roles';
import { type AccountChange, createAccount, updateAccount } from '../auth/accounts';
import { Authenticator } from '../auth/Authenticator';
import { configurePasswordHashing } from '../auth/passwords';
import { loadServerSecret } from '../auth/serverSecret';
import { type Config, loadConfig } from '../config';
import { validate } from '../http/validate';
import { describeStore, openStore, StoreNotFoundError } from '../persistence/openStore';
import type { Store } from '../persistence/Store';
import { z } from 'zod';

const USAGE = `Usage:
  npm run user -- add --email E --name N --role admin|editor|writer|viewer --password P
  npm run user -- role --email E --role admin|editor|writer|viewer
  npm run user -- deactivate --email E
  npm run user -- activate --email E
  npm run user -- token --email E [--name "what it is for"]
  npm run user -- list
Uses the server's store: DATABASE_URL (Postgres) if set, else DATA_DIR (SQLite).
--init: create that store if it does not exist yet (before the server's first start).`;

const COMMANDS = ['add', 'role', 'deactivate', 'activate', 'token', 'list'];

type Values = { email?: string; name?: string; role?: string; password?: string };

async function run(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      password: { type: 'string' },
      init: { type: 'boolean', default: false },
    },
  });
  const { init, ...fields } = values;
  // Before touching any store: a typo is answered with the usage, not with a store's state.
  if (!COMMANDS.includes(positionals[0])) throw new GalleyError('bad_request', USAGE);
  const config = loadConfig(process.env);
  configurePasswordHashing(config.passwordHashCost);
  const store = await openStore(config, { create: init }).catch((error: unknown) => {
    if (error instanceof StoreNotFoundError)
      throw new Error(`${error.message}\nOr, to create a new, empty store there, run the command again with --init.`);
    throw new Error(`Could not open ${describeStore(config)}: ${error instanceof Error ? error.message : String(error)}`);
  });
  // On stderr: stdout stays the command's answer alone (a token, for scripts).
  console.error(`Using ${describeStore(config)}`);
  try {
    await command(positionals[0], fields, store, config);
  } finally {
    await store.close();
  }
}

async function command(name: string | undefined, values: Values, store: Store, config: Config): Promise<void> {
  const account = async () => {
    const email = validate(z.strictObject({ email: z.string().trim().toLowerCase() }), { email: values.email ?? '' }).email;
    const user = await store.getUserByEmail(email);
    if (!user) throw new GalleyError('not_found', `No account with email ${email}`);
    return user;
  };
  const change = async (patch: AccountChange, done: string) => {
    const user = await updateAccount(store, (await account()).id, patch);
    console.log(`${done}: ${user.name} <${user.email}> (${user.role}${user.deactivatedAt ? ', deactivated' : ''})`);
  };
  switch (name) {
    case 'add': {
      const user = await createAccount(store, validate(CreateUserBody, values));
      return console.log(`Added ${user.role} ${user.name} <${user.email}>`);
    }
    case 'role':
      return change({ role: validate(z.enum(ROLES, { error: `--role must be one of ${ROLES.join(', ')}` }), values.role) }, 'Role changed');
    case 'deactivate':
      return change({ active: false }, 'Deactivated');
    case 'activate':
      return change({ active: true }, 'Activated');
    case 'token': {
      const user = await account();
      const { name: tokenName } = validate(CreateTokenBody, { name: values.name ?? 'Command line' });
      const auth = new Authenticator(store, loadServerSecret(config.dataDir, config.sessionSecret), config.sessionTtlMs);
      const { token } = await auth.createToken(user.id, tokenName);
      // The token alone on stdout, so scripts can capture it; it is shown only this once.
      return console.log(token);
    }
    case 'list':
      for (const u of await store.listUsers())
        console.log(`${u.role.padEnd(7)} ${u.email}  ${u.name}${u.deactivatedAt ? ' (deactivated)' : ''}`);
      return;
    default:
      throw new GalleyError('bad_request', USAGE);
  }
}

run(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
