/** The Settings page's password form: every signed-in person changes their own. */
import { ChangePasswordBody } from '../../shared/api';
import { api } from './api';
import { checkForm, formErrorsFrom, NO_ERRORS, type FormErrors } from './forms';

export class PasswordChange {
  currentPassword = $state('');
  newPassword = $state('');
  errors = $state<FormErrors>(NO_ERRORS);
  busy = $state(false);
  done = $state<string | null>(null);

  async submit(): Promise<void> {
    this.done = null;
    const checked = checkForm(ChangePasswordBody, { currentPassword: this.currentPassword, newPassword: this.newPassword });
    if ('errors' in checked) {
      const fields = { ...checked.errors.fields };
      // The schema only says it must not be empty; say it in words.
      if (fields.currentPassword) fields.currentPassword = 'Enter your current password';
      this.errors = { ...checked.errors, fields };
      return;
    }
    this.busy = true;
    try {
      await api.changePassword(checked.data);
      this.errors = NO_ERRORS;
      this.currentPassword = this.newPassword = '';
      this.done = 'Your password was changed. You were signed out on your other devices.';
    } catch (error) {
      this.errors = formErrorsFrom(error);
    } finally {
      this.busy = false;
    }
  }
}
