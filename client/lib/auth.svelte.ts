/**
 * Who is signed in, and whether Galley still needs its first admin. The
 * server is always the guard; `can()` here only hides what it would refuse.
 */
import type { PublicUser, SetupBody, SignInBody } from '../../shared/api';
import { type Action, can } from '../../shared/roles';
import { api, ApiError, errorMessage, onSessionLost } from './api';
import { closeLiveSocket, onSocketUnauthenticated } from './collab/liveSocket';

class Auth {
  user = $state.raw<PublicUser | null>(null);
  needsSetup = $state(false);
  /** False until the first answer from the server. */
  ready = $state(false);
  loadError = $state<string | null>(null);

  constructor() {
    onSocketUnauthenticated(() => this.#signedOut());
    onSessionLost(() => this.#signedOut());
  }

  async load(): Promise<void> {
    this.loadError = null;
    try {
      const { needsSetup } = await api.needsSetup();
      this.needsSetup = needsSetup;
      this.user = needsSetup ? null : await this.#currentUser();
      this.ready = true;
    } catch (error) {
      this.loadError = errorMessage(error);
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
    this.#signedIn(user);
  }

  async signIn(body: SignInBody): Promise<void> {
    const { user } = await api.signIn(body);
    this.#signedIn(user);
  }

  async signOut(): Promise<void> {
    try {
      await api.signOut();
    } finally {
      this.#signedOut();
    }
  }

  can(action: Action): boolean {
    return this.user !== null && can(this.user.role, action);
  }

  #signedIn(user: PublicUser): void {
    // A socket opened under another session would keep that session's identity.
    closeLiveSocket();
    this.user = user;
  }

  #signedOut(): void {
    closeLiveSocket();
    this.user = null;
  }
}

export const auth = new Auth();
