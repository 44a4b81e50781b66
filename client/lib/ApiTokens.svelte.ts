/**
 * The Settings page's personal API tokens, for every signed-in person (for
 * scripts: `Authorization: Bearer glt_…`). A new token is in the server's
 * answer once and never again, so it is kept here only until the person
 * dismisses it or leaves the page.
 */
import { CreateTokenBody, type TokenScope, type TokenSummary } from '../../shared/api';
import { api, errorMessage } from './api';
import { checkForm, formErrorsFrom, NO_ERRORS, type FormErrors } from './forms';

export class ApiTokens {
  tokens = $state.raw<TokenSummary[]>([]);
  loading = $state(true);
  loadError = $state<string | null>(null);
  /** The name for the next token. */
  name = $state('');
  /** What the next token may do: everything its owner may, or only read the content API. */
  scope = $state<TokenScope>('full');
  errors = $state<FormErrors>(NO_ERRORS);
  creating = $state(false);
  /** The token just created: shown this once. */
  created = $state.raw<{ token: string; name: string } | null>(null);
  /** Why the last revocation failed. */
  revokeError = $state<string | null>(null);
  /** Tokens being revoked. */
  revoking = $state.raw<ReadonlySet<string>>(new Set());

  async load(): Promise<void> {
    try {
      this.tokens = (await api.listTokens()).tokens;
      this.loadError = null;
    } catch (error) {
      this.loadError = errorMessage(error);
    } finally {
      this.loading = false;
    }
  }

  async create(): Promise<void> {
    this.created = null;
    const checked = checkForm(CreateTokenBody, { name: this.name, scope: this.scope });
    if ('errors' in checked) {
      this.errors = checked.errors;
      return;
    }
    this.creating = true;
    try {
      const { token, summary } = await api.createToken(checked.data);
      this.tokens = [summary, ...this.tokens.filter((existing) => existing.id !== summary.id)];
      this.created = { token, name: summary.name };
      this.errors = NO_ERRORS;
      this.name = '';
      this.scope = 'full';
    } catch (error) {
      this.errors = formErrorsFrom(error);
    } finally {
      this.creating = false;
    }
  }

  /** Forgets the new token (it stays usable; only its summary is listed). */
  dismissCreated(): void {
    this.created = null;
  }

  async revoke(token: TokenSummary): Promise<void> {
    this.revokeError = null;
    this.revoking = new Set([...this.revoking, token.id]);
    try {
      await api.revokeToken(token.id);
      const revokedAt = new Date().toISOString();
      this.tokens = this.tokens.map((existing) => (existing.id === token.id ? { ...existing, revokedAt } : existing));
      // The list as the server has it (exact revocation time, last use).
      void this.load();
    } catch (error) {
      this.revokeError = errorMessage(error);
    } finally {
      const revoking = new Set(this.revoking);
      revoking.delete(token.id);
      this.revoking = revoking;
    }
  }
}
