/**
 * The public site's settings on the Settings page (admins, docs/site.md): loaded once, edited as a draft,
 * checked with the server's own schema, saved whole.
 */
import { z } from 'zod/mini';
import { type FooterLink, SiteSettingsBody, type SiteImageAnswer, type SiteSettingsAnswer, SITE_LIMITS } from '../../shared/siteSettings';
import { errorMessage, request } from './api';
import { formErrorsFrom, NO_ERRORS, type FormErrors } from './forms';

/** The form's state: the images as the library answers them, so the form can show them. */
export type SiteDraft = Omit<SiteSettingsBody, 'logo' | 'socialImage' | 'footerLinks'> & {
  logo: SiteImageAnswer | null;
  socialImage: SiteImageAnswer | null;
  footerLinks: FooterLink[];
};

export class SiteSettingsAdmin {
  draft = $state<SiteDraft | null>(null);
  loadError = $state<string | null>(null);
  errors = $state<FormErrors>(NO_ERRORS);
  busy = $state(false);
  /** Said once saved, for a polite live region. */
  done = $state<string | null>(null);

  async load(): Promise<void> {
    try {
      this.draft = draftOf(await request<SiteSettingsAnswer>('GET', '/api/site'));
      this.loadError = null;
    } catch (error) {
      this.loadError = errorMessage(error);
    }
  }

  get canAddLink(): boolean {
    return (this.draft?.footerLinks.length ?? 0) < SITE_LIMITS.footerLinks;
  }

  addLink(): void {
    if (this.draft && this.canAddLink) this.draft.footerLinks.push({ label: '', url: 'https://' });
  }

  removeLink(index: number): void {
    this.draft?.footerLinks.splice(index, 1);
  }

  async save(): Promise<void> {
    if (!this.draft) return;
    this.done = null;
    const body = {
      ...$state.snapshot(this.draft),
      logo: this.draft.logo?.media ?? null,
      socialImage: this.draft.socialImage?.media ?? null,
    };
    const checked = z.safeParse(SiteSettingsBody, body);
    if (!checked.success) {
      this.errors = { message: 'Please correct the highlighted fields.', fields: fieldsOf(checked.error.issues) };
      return;
    }
    this.busy = true;
    try {
      this.draft = draftOf(await request<SiteSettingsAnswer>('PUT', '/api/site', checked.data));
      this.errors = NO_ERRORS;
      this.done = 'Site settings saved. The public pages show them now.';
    } catch (error) {
      this.errors = formErrorsFrom(error);
    } finally {
      this.busy = false;
    }
  }
}

function draftOf({ settings }: SiteSettingsAnswer): SiteDraft {
  return { ...settings, footerLinks: settings.footerLinks.map((link) => ({ ...link })) };
}

/** Each message under its whole path, as the server names fields (`footerLinks.0.url`). */
function fieldsOf(issues: readonly { path: readonly PropertyKey[]; message: string }[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of issues) fields[issue.path.map(String).join('.') || '_'] ??= issue.message;
  return fields;
}
