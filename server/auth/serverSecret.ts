import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const SECRET_FILE = 'secret.key';

/**
 * The server secret keys the HMAC under which sessions and tokens are stored.
 * From `SESSION_SECRET` if set, else generated on first run into the data dir
 * (readable by the owner only). Never logged.
 */
export function loadServerSecret(dataDir: string, fromEnv: string | undefined): Buffer {
  if (fromEnv) return Buffer.from(fromEnv, 'utf8');
  const file = path.join(dataDir, SECRET_FILE);
  fs.mkdirSync(dataDir, { recursive: true });
  try {
    return Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'hex');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secret = randomBytes(32);
  // 'wx': if another process created it meanwhile, fail rather than overwrite (then read theirs).
  try {
    fs.writeFileSync(file, secret.toString('hex'), { mode: 0o600, flag: 'wx' });
    return secret;
  } catch {
    return Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'hex');
  }
}
