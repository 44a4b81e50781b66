/**
 * The Accounts page's work (admins): the list of accounts and what can be
 * done to each — role, deactivation, ending its sessions, a new password —
 * plus adding one. The server applies each change to the person's open
 * connections at once, and refuses to leave the newsroom without an active
 * admin (409); its refusals are kept here for the page to show as they are.
 */
import type { z } from 'zod/mini';
import { type AccountSummary, CreateUserBody, UpdateUserBody } from '../../shared/api';
import type { Role } from '../../shared/roles';
import { api, errorMessage } from './api';
import { checkForm, formErrorsFrom, type FormErrors } from './forms';

type AccountChange = z.infer<typeof UpdateUserBody>;

export class AccountsAdmin {
  accounts = $state.raw<AccountSummary[]>([]);
  loading = $state(true);
  loadError = $state<string | null>(null);
  /** Why the last change to an account was refused. */
  error = $state<string | null>(null);
  /** What the last change to an account did. */
  done = $state<string | null>(null);
  /** Who was added last, for the form to confirm. */
  added = $state<string | null>(null);
  /** Accounts with a request under way. */
  busy = $state.raw<ReadonlySet<string>>(new Set());

  async load(): Promise<void> {
    this.loading = true;
    try {
      this.accounts = (await api.listUsers()).users;
      this.loadError = null;
    } catch (error) {
      this.loadError = errorMessage(error);
    } finally {
      this.loading = false;
    }
  }

  /** Adds an account; the form's errors, or null once added. */
  async add(values: { name: string; email: string; password: string; role: Role }): Promise<FormErrors | null> {
    this.added = null;
    const checked = checkForm(CreateUserBody, values);
    if ('errors' in checked) return checked.errors;
    try {
      const { user } = await api.createUser(checked.data);
      this.accounts = [...this.accounts, user];
      this.dismiss();
      this.added = `Added ${user.name} as ${user.role}.`;
      return null;
    } catch (error) {
      return formErrorsFrom(error);
    }
  }

  setRole(account: AccountSummary, role: Role): Promise<boolean> {
    return this.#change(account, { role }, (user) => `${user.name} is now ${article(user.role)} ${user.role}.`);
  }

  /** Deactivating also signs the account out everywhere; reactivating lets them sign in again. */
  setActive(account: AccountSummary, active: boolean): Promise<boolean> {
    return this.#change(account, { active }, (user) =>
      active ? `${user.name} can sign in again.` : `${user.name} is deactivated and signed out everywhere.`,
    );
  }

  /** Sets a new password (signing the account out everywhere); the form's errors, or null once set. */
  async setPassword(account: AccountSummary, password: string): Promise<FormErrors | null> {
    const checked = checkForm(UpdateUserBody, { password });
    if ('errors' in checked) return checked.errors;
    try {
      await this.#request(account, () => api.updateUser(account.id, checked.data));
      this.#report(`${account.name} has a new password and was signed out everywhere.`);
      return null;
    } catch (error) {
      return formErrorsFrom(error);
    }
  }

  async signOutEverywhere(account: AccountSummary): Promise<void> {
    try {
      await this.#request(account, () => api.endUserSessions(account.id));
      this.#report(`${account.name} was signed out everywhere.`);
    } catch (error) {
      this.#refused(error);
    }
  }

  dismiss(): void {
    this.error = null;
    this.done = null;
    this.added = null;
  }

  async #change(account: AccountSummary, change: AccountChange, describe: (user: AccountSummary) => string): Promise<boolean> {
    try {
      const { user } = await this.#request(account, () => api.updateUser(account.id, change));
      this.accounts = this.accounts.map((existing) => (existing.id === user.id ? user : existing));
      this.#report(describe(user));
      return true;
    } catch (error) {
      this.#refused(error);
      return false;
    }
  }

  async #request<T>(account: AccountSummary, run: () => Promise<T>): Promise<T> {
    this.busy = new Set([...this.busy, account.id]);
    try {
      return await run();
    } finally {
      const busy = new Set(this.busy);
      busy.delete(account.id);
      this.busy = busy;
    }
  }

  #report(message: string): void {
    this.dismiss();
    this.done = message;
  }

  #refused(error: unknown): void {
    this.dismiss();
    this.error = errorMessage(error);
  }
}

const article = (word: string) => (/^[aeiou]/i.test(word) ? 'an' : 'a');
