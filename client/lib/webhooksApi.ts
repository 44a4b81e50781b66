/** Webhook endpoints and their deliveries (docs/webhooks.md#the-admin-api): admins only. */
import type { z } from 'zod/mini';
import type {
  CreateWebhookBody,
  UpdateWebhookBody,
  WebhookDeliveries,
  WebhookDeliveryAnswer,
  WebhookEndpointAnswer,
  WebhookList,
} from '../../shared/webhooks';
import { request } from './api';

const endpoint = (id: string) => `/api/webhooks/${encodeURIComponent(id)}`;

export const webhooksApi = {
  list: () => request<WebhookList>('GET', '/api/webhooks'),
  /** The answer carries the endpoint's secret, this once. */
  create: (body: z.input<typeof CreateWebhookBody>) => request<WebhookEndpointAnswer>('POST', '/api/webhooks', body),
  update: (id: string, body: z.input<typeof UpdateWebhookBody>) => request<WebhookEndpointAnswer>('PATCH', endpoint(id), body),
  remove: (id: string) => request<void>('DELETE', endpoint(id)),
  deliveries: (id: string) => request<WebhookDeliveries>('GET', `${endpoint(id)}/deliveries`),
  ping: (id: string) => request<WebhookDeliveryAnswer>('POST', `${endpoint(id)}/ping`),
  redeliver: (id: string, deliveryId: string) =>
    request<WebhookDeliveryAnswer>('POST', `${endpoint(id)}/deliveries/${encodeURIComponent(deliveryId)}/redeliver`),
};
