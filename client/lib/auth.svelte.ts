/**
 * Who is signed in, and whether Galley still needs its first admin. The
 * server is always the guard; `can()` here only hides what it would refuse.
 * When the server cannot be reached at start-up, the last person signed in on
 * this device carries on with their local drafts (see rememberedUser.ts);
 * the server is asked again as soon as the browser is back online.
 *
 * The server can end a session at any time (an admin deactivated the account
 * or signed it out everywhere, the password was changed elsewhere): the
 * socket or any API call then says so, and the app goes back to sign-in with
 * `sessionEnded` set. Local drafts are kept in that case: the same person
 * signing back in carries on with them (see localDrafts.ts).
 */
import type { PublicUser, SetupBody, SignInBody } from '../../shared/api';
import { type Action, can } from '../../shared/roles';
import { api, ApiError, errorMessage, onSessionLost } from './api';
import { closeLiveSocket, onSocketUnauthenticated } from './sync/liveSocket';
import { claimLocalDrafts, clearLocalDrafts } from './localDrafts';
import { forgetUser, rememberedUser, rememberUser } from './rememberedUser';

/** No answer at all, or a proxy saying the server behind it is down. */
const isUnreachable = (error: unknown) => error instanceof ApiError && (error.code === 'network' || [502, 503, 504].includes(error.status));

class Auth {
  user = $state.raw<PublicUser | null>(null);
  needsSetup = $state(false);
  /** False until the first answer from the server (or, offline, from this device's memory). */
  ready = $state(false);
  loadError = $state<string | null>(null);
  /** Set when the server ended the session (rather than the person signing out), for the sign-in page. */
  sessionEnded = $state<string | null>(null);
  /** The user comes from this device's memory: the server has not confirmed the session yet. */
  #unconfirmed = false;
  /** A sign-out of our own is under way: the server closing our socket is its expected echo. */
  #signingOut = false;

  constructor() {
    onSocketUnauthenticated(() => this.#sessionLost());
    onSessionLost(() => this.#sessionLost());
    window.addEventListener('online', () => {
      if (this.#unconfirmed) void this.load();
    });
  }

  async load(): Promise<void> {
    this.loadError = null;
    try {
      const { needsSetup } = await api.needsSetup();
      this.needsSetup = needsSetup;
      const user = needsSetup ? null : await this.#currentUser();
      if (user) await this.#accept(user);
      else this.#signedOut();
      this.#unconfirmed = false;
      this.ready = true;
    } catch (error) {
      const remembered = isUnreachable(error) ? rememberedUser() : null;
      if (!remembered) {
        this.loadError = errorMessage(error);
        return;
      }
      this.#unconfirmed = true;
      this.needsSetup = false;
      if (this.user?.id !== remembered.id) this.user = remembered;
      this.ready = true;
    }
  }

  async #currentUser(): Promise<PublicUser | null> {
    try {
      return (await api.session()).user;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return null;
      throw error;
    }
  }

  async setup(body: SetupBody): Promise<void> {
    const { user } = await api.setup(body);
    this.needsSetup = false;
    await this.#signedIn(user);
  }

  async signIn(body: SignInBody): Promise<void> {
    this.sessionEnded = null;
    const { user } = await api.signIn(body);
    await this.#signedIn(user);
  }

  async signOut(): Promise<void> {
    this.#signingOut = true;
    try {
      await api.signOut();
    } finally {
      this.#signedOutOnPurpose();
    }
  }

  /**
   * Ends every session of this account, on every device, this one included.
   * Throws (and stays signed in) only if the server could not be asked.
   */
  async signOutEverywhere(): Promise<void> {
    this.#signingOut = true;
    try {
      await api.signOutEverywhere();
    } catch (error) {
      // 401: this session had already ended, which is what was asked for.
      if (!(error instanceof ApiError && error.status === 401)) {
        this.#signingOut = false;
        throw error;
      }
    }
    this.#signedOutOnPurpose();
  }

  /** Asks the server who we are again, e.g. after an admin changed our role. */
  async refresh(): Promise<void> {
    if (!this.user || this.#unconfirmed) return;
    try {
      const { user } = await api.session();
      if (this.user?.id !== user.id) return;
      rememberUser(user);
      this.user = user;
    } catch {
      // A 401 has already signed us out (see #sessionLost); offline, the old answer stands.
    }
  }

  can(action: Action): boolean {
    return this.user !== null && can(this.user.role, action);
  }

  async #signedIn(user: PublicUser): Promise<void> {
    // A socket opened under another session would keep that session's identity.
    closeLiveSocket();
    await this.#accept(user);
  }

  /** Before any story opens: another person's local drafts go first. */
  async #accept(user: PublicUser): Promise<void> {
    rememberUser(user);
    await claimLocalDrafts(user.id);
    this.user = user;
  }

  #signedOutOnPurpose(): void {
    this.#signedOut();
    this.#signingOut = false;
    // Drafts are confidential on shared machines.
    void clearLocalDrafts();
  }

  /** The server no longer accepts our session. Drafts stay: the same person may sign back in. */
  #sessionLost(): void {
    if (!this.user || this.#signingOut) return;
    this.sessionEnded = 'Your session has ended. Sign in again.';
    this.#signedOut();
  }

  #signedOut(): void {
    closeLiveSocket();
    forgetUser();
    this.#unconfirmed = false;
    this.user = null;
  }
}

export const auth = new Auth();
