import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { parse as parseCookie } from 'cookie';
import type { TokenScope } from '../../shared/api';
import type { Store, TokenRecord, UserRecord } from '../persistence/Store';

export const SESSION_COOKIE = 'galley_session';
const TOKEN_PREFIX = 'glt_';
/** Longer credentials are not ours: refuse before hashing. */
const MAX_CREDENTIAL_CHARS = 100;

/** Who is asking, and with which credential (so a revoked credential can be found on live sockets). */
export type Principal =
  | { user: UserRecord; via: 'session'; credentialHash: string }
  | { user: UserRecord; via: 'token'; credentialHash: string; tokenId: string; scope: TokenScope };

/**
 * What a request is for: the newsroom (the API, sockets, previews, media: everything but the content API),
 * which only full tokens may use, or the content API, which content tokens may use too.
 */
export type Realm = 'newsroom' | 'content';

export type CredentialSources = { cookie?: string; authorization?: string };

/**
 * Sessions and personal API tokens. Both are random 256-bit values handed to
 * the client once; storage keeps only an HMAC of them under the server secret,
 * so a leaked database neither reveals nor lets anyone check credentials.
 */
export class Authenticator {
  constructor(
    private readonly store: Store,
    private readonly secret: Buffer,
    private readonly sessionTtlMs: number,
  ) {}

  hash(credential: string): string {
    return createHmac('sha256', this.secret).update(credential).digest('hex');
  }

  /** Issues a fresh session id: never one the client sent, so a planted cookie is never promoted (no fixation). */
  async startSession(userId: string): Promise<{ id: string; expiresAt: Date }> {
    const id = randomBytes(32).toString('base64url');
    const now = new Date();
    const expiresAt = new Date(now.getTime() + this.sessionTtlMs);
    await this.store.createSession({ idHash: this.hash(id), userId, createdAt: now.toISOString(), expiresAt: expiresAt.toISOString() });
    return { id, expiresAt };
  }

  async endSession(sessionId: string | undefined): Promise<void> {
    if (sessionId) await this.store.deleteSession(this.hash(sessionId));
  }

  /** Creates a personal API token; the token itself is returned once and never stored. */
  async createToken(userId: string, name: string, scope: TokenScope = 'full'): Promise<{ token: string; record: TokenRecord }> {
    const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const record: TokenRecord = {
      id: randomUUID(),
      userId,
      name,
      tokenHash: this.hash(token),
      createdAt: new Date().toISOString(),
      lastUsedAt: null,
      revokedAt: null,
      scope,
    };
    await this.store.createToken(record);
    return { token, record };
  }

  /**
   * A bearer token takes precedence over the cookie: scripts send one, browsers the other. A content token
   * counts only in the content realm: anywhere else it is as good as no credential at all.
   */
  async authenticate(sources: CredentialSources, realm: Realm = 'newsroom'): Promise<Principal | undefined> {
    const bearer = bearerToken(sources.authorization);
    if (bearer !== undefined) return this.#fromToken(bearer, realm);
    return this.#fromSession(sessionIdFromCookieHeader(sources.cookie));
  }

  /** Re-checks a principal now: its credential may have been revoked, or its user changed. */
  async recheck(principal: Principal): Promise<Principal | undefined> {
    if (principal.via === 'token') {
      const token = await this.store.getTokenByHash(principal.credentialHash);
      const user = token && !token.revokedAt ? await this.#activeUser(token.userId) : undefined;
      return user && { ...principal, user };
    }
    const session = await this.store.getSession(principal.credentialHash);
    const user = session && Date.parse(session.expiresAt) > Date.now() ? await this.#activeUser(session.userId) : undefined;
    return user && { ...principal, user };
  }

  async #fromSession(sessionId: string | undefined): Promise<Principal | undefined> {
    if (!sessionId || sessionId.length > MAX_CREDENTIAL_CHARS) return undefined;
    const credentialHash = this.hash(sessionId);
    const session = await this.store.getSession(credentialHash);
    if (!session) return undefined;
    if (Date.parse(session.expiresAt) <= Date.now()) {
      await this.store.deleteSession(credentialHash);
      return undefined;
    }
    const user = await this.#activeUser(session.userId);
    return user && { user, via: 'session', credentialHash };
  }

  async #fromToken(token: string, realm: Realm): Promise<Principal | undefined> {
    if (!token.startsWith(TOKEN_PREFIX) || token.length > MAX_CREDENTIAL_CHARS) return undefined;
    const credentialHash = this.hash(token);
    const record = await this.store.getTokenByHash(credentialHash);
    if (!record || record.revokedAt) return undefined;
    if (record.scope !== 'full' && realm !== record.scope) return undefined;
    const user = await this.#activeUser(record.userId);
    if (!user) return undefined;
    await this.store.touchToken(record.id, new Date().toISOString());
    return { user, via: 'token', credentialHash, tokenId: record.id, scope: record.scope };
  }

  async #activeUser(userId: string): Promise<UserRecord | undefined> {
    const user = await this.store.getUserById(userId);
    return user && !user.deactivatedAt ? user : undefined;
  }
}

export function sessionIdFromCookieHeader(header: string | undefined): string | undefined {
  return header ? parseCookie(header)[SESSION_COOKIE] : undefined;
}

function bearerToken(header: string | undefined): string | undefined {
  const match = header && /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1] : undefined;
}
