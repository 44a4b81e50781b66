/**
 * The Settings page's webhooks (admins): the endpoints, the form that registers one, the secret of one just
 * made or rotated (shown this once, kept here only until dismissed), and one endpoint's delivery log at a time.
 */
import { CreateWebhookBody, type WebhookDeliveryView, type WebhookEndpointView, type WebhookEventType } from '../../shared/webhooks';
import { errorMessage } from './api';
import { checkForm, formErrorsFrom, NO_ERRORS, type FormErrors } from './forms';
import { webhooksApi } from './webhooksApi';

export class WebhooksAdmin {
  endpoints = $state.raw<WebhookEndpointView[]>([]);
  loaded = $state(false);
  loadError = $state<string | null>(null);
  /** The form for the next endpoint. */
  url = $state('');
  events = $state<WebhookEventType[]>(['story.published', 'story.updated', 'story.unpublished', 'story.deleted']);
  errors = $state<FormErrors>(NO_ERRORS);
  busy = $state(false);
  /** Why the last change failed, and what the last one did (for a polite live region). */
  changeError = $state<string | null>(null);
  done = $state<string | null>(null);
  /** A secret just made: shown this once. */
  secret = $state.raw<{ url: string; secret: string } | null>(null);
  /** The endpoint whose deliveries are shown, and them. */
  logOf = $state.raw<WebhookEndpointView | null>(null);
  deliveries = $state.raw<WebhookDeliveryView[]>([]);
  logError = $state<string | null>(null);

  async load(): Promise<void> {
    try {
      this.endpoints = (await webhooksApi.list()).endpoints;
      this.loadError = null;
    } catch (error) {
      this.loadError = errorMessage(error);
    } finally {
      this.loaded = true;
    }
  }

  async add(): Promise<void> {
    const checked = checkForm(CreateWebhookBody, { url: this.url, events: this.events });
    if ('errors' in checked) {
      this.errors = checked.errors;
      return;
    }
    await this.#change(async () => {
      const { endpoint, secret } = await webhooksApi.create(checked.data);
      this.secret = secret ? { url: endpoint.url, secret } : null;
      this.url = '';
      this.errors = NO_ERRORS;
      return `Added ${endpoint.url}`;
    }, true);
  }

  setActive(endpoint: WebhookEndpointView, active: boolean): Promise<boolean> {
    return this.#change(async () => {
      await webhooksApi.update(endpoint.id, { active });
      return `${active ? 'Enabled' : 'Disabled'} ${endpoint.url}`;
    });
  }

  rotate(endpoint: WebhookEndpointView): Promise<boolean> {
    return this.#change(async () => {
      const { secret } = await webhooksApi.update(endpoint.id, { rotateSecret: true });
      this.secret = secret ? { url: endpoint.url, secret } : null;
      return `New secret for ${endpoint.url}`;
    });
  }

  remove(endpoint: WebhookEndpointView): Promise<boolean> {
    return this.#change(async () => {
      await webhooksApi.remove(endpoint.id);
      if (this.logOf?.id === endpoint.id) this.logOf = null;
      return `Removed ${endpoint.url}`;
    });
  }

  ping(endpoint: WebhookEndpointView): Promise<boolean> {
    return this.#change(async () => {
      await webhooksApi.ping(endpoint.id);
      await this.showLog(endpoint);
      return `Test event queued for ${endpoint.url}`;
    });
  }

  redeliver(delivery: WebhookDeliveryView): Promise<boolean> {
    return this.#change(async () => {
      await webhooksApi.redeliver(delivery.endpointId, delivery.id);
      if (this.logOf) await this.showLog(this.logOf);
      return 'Queued to send again';
    });
  }

  /** Shows (or refreshes) one endpoint's deliveries, newest first. */
  async showLog(endpoint: WebhookEndpointView): Promise<void> {
    this.logOf = endpoint;
    try {
      this.deliveries = (await webhooksApi.deliveries(endpoint.id)).deliveries;
      this.logError = null;
    } catch (error) {
      this.logError = errorMessage(error);
    }
  }

  dismissSecret(): void {
    this.secret = null;
  }

  async #change(work: () => Promise<string>, asForm = false): Promise<boolean> {
    this.busy = true;
    this.changeError = null;
    this.done = null;
    try {
      this.done = await work();
      await this.load();
      return true;
    } catch (error) {
      if (asForm) this.errors = formErrorsFrom(error);
      else this.changeError = errorMessage(error);
      return false;
    } finally {
      this.busy = false;
    }
  }
}
