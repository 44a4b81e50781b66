/** The Settings page's notification preferences: which kinds show in the inbox, which come by email and how often. */
import { DEFAULT_PREFERENCES, type NotificationPreferences } from '../../shared/notifications';
import { errorMessage } from './api';
import { notificationsApi } from './notificationsApi';

export class NotificationSettings {
  preferences = $state<NotificationPreferences>(structuredClone(DEFAULT_PREFERENCES));
  /** Whether the server can send email at all (SMTP_URL). */
  emailAvailable = $state(false);
  loading = $state(true);
  saving = $state(false);
  error = $state<string | null>(null);
  saved = $state<string | null>(null);

  async load(): Promise<void> {
    try {
      const answer = await notificationsApi.preferences();
      this.preferences = answer.preferences;
      this.emailAvailable = answer.emailAvailable;
      this.error = null;
    } catch (error) {
      this.error = errorMessage(error);
    } finally {
      this.loading = false;
    }
  }

  async save(): Promise<void> {
    this.saving = true;
    this.saved = null;
    try {
      this.preferences = (await notificationsApi.savePreferences($state.snapshot(this.preferences))).preferences;
      this.error = null;
      this.saved = 'Notification settings saved.';
    } catch (error) {
      this.error = errorMessage(error);
    } finally {
      this.saving = false;
    }
  }
}
