import { afterEach, describe, expect, it } from 'vitest';
import { configurePasswordHashing, dummyHash, hashPassword, verifyPassword } from '../../server/auth/passwords';
import { useTestPasswordHashing } from '../helpers/testEnvironment';

const parameters = (hash: string) => hash.split('$').slice(0, 4);

describe('password hashing', () => {
  afterEach(() => useTestPasswordHashing());

  it('hashes at the configured cost, and the hash carries its parameters', async () => {
    configurePasswordHashing(15);
    expect(parameters(await hashPassword('correct horse'))).toEqual(['scrypt', '32768', '8', '1']);
    configurePasswordHashing(4);
    expect(parameters(await hashPassword('correct horse'))).toEqual(['scrypt', '16', '8', '1']);
  });

  it('verifies a hash by its own parameters, whatever the cost configured since', async () => {
    configurePasswordHashing(4);
    const cheap = await hashPassword('correct horse');
    configurePasswordHashing(15);
    const dear = await hashPassword('correct horse');
    configurePasswordHashing(4);
    for (const hash of [cheap, dear]) {
      expect(await verifyPassword('correct horse', hash)).toBe(true);
      expect(await verifyPassword('correct hors', hash)).toBe(false);
    }
  });

  it('makes the stand-in hash for unknown emails at the configured cost, so both answers take as long', async () => {
    configurePasswordHashing(15);
    expect(parameters(await dummyHash())).toEqual(['scrypt', '32768', '8', '1']);
    configurePasswordHashing(4);
    expect(parameters(await dummyHash())).toEqual(['scrypt', '16', '8', '1']);
  });

  it('refuses a cost outside what the configuration accepts', () => {
    for (const cost of [3, 18, 14.5]) expect(() => configurePasswordHashing(cost)).toThrow(RangeError);
  });
});
