/**
 * Account administration for scripted set-ups and servers without a browser:
 *   npm run user -- add --email E --name N --role R --password P
 *   npm run user -- list
 */
import { parseArgs } from 'node:util';
import { CreateUserBody } from '../../shared/api';
import { GalleyError } from '../../shared/errors';
import { createAccount } from '../auth/accounts';
import { loadConfig } from '../config';
import { SqliteStore } from '../persistence/SqliteStore';
import { validate } from '../http/validate';

const USAGE = `Usage:
  npm run user -- add --email E --name N --role admin|editor|writer|viewer --password P
  npm run user -- list`;

async function run(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, password: { type: 'string' } },
  });
  const config = loadConfig(process.env);
  const store = SqliteStore.open(config.dataDir);
  try {
    switch (positionals[0]) {
      case 'add': {
        const user = await createAccount(store, validate(CreateUserBody, values));
        console.log(`Added ${user.role} ${user.name} <${user.email}>`);
        break;
      }
      case 'list':
        for (const u of await store.listUsers()) console.log(`${u.role.padEnd(7)} ${u.email}  ${u.name}${u.deactivatedAt ? ' (deactivated)' : ''}`);
        break;
      default:
        throw new GalleyError('bad_request', USAGE);
    }
  } finally {
    await store.close();
  }
}

run(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
