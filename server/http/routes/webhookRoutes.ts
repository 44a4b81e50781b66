import express, { type Request } from 'express';
import { GalleyError } from '../../../shared/errors';
import {
  CreateWebhookBody,
  UpdateWebhookBody,
  WEBHOOK_LIMITS,
  type WebhookDeliveries,
  type WebhookDeliveryAnswer,
  WebhookIdParam,
  type WebhookList,
} from '../../../shared/webhooks';
import { deliveryView, endpointView } from '../../webhooks/Webhooks';
import { authorize, noBody } from '../sessionMiddleware';
import { validate } from '../validate';
import type { ApiDeps } from './apiDeps';

/**
 * Webhook endpoints and their deliveries (docs/webhooks.md#the-admin-api): admins only. An endpoint's secret is
 * answered when it is made and when it is rotated, never read back.
 */
export function webhookRoutes(deps: ApiDeps): express.Router {
  const { store, webhooks } = deps;
  const router = express.Router();

  router.get('/webhooks', noBody, async (_req, res) => {
    authorize(res, 'webhooks:manage');
    res.json({ endpoints: (await store.listWebhookEndpoints()).map(endpointView) } satisfies WebhookList);
  });

  router.post('/webhooks', async (req, res) => {
    const user = authorize(res, 'webhooks:manage');
    res.status(201).json(await webhooks.register(user, validate(CreateWebhookBody, req.body)));
  });

  router.patch('/webhooks/:id', async (req: Request, res) => {
    authorize(res, 'webhooks:manage');
    const id = validate(WebhookIdParam, req.params.id);
    res.json(await webhooks.change(id, validate(UpdateWebhookBody, req.body)));
  });

  router.delete('/webhooks/:id', noBody, async (req: Request, res) => {
    authorize(res, 'webhooks:manage');
    if (!(await store.removeWebhookEndpoint(validate(WebhookIdParam, req.params.id)))) throw noEndpoint();
    res.status(204).end();
  });

  router.get('/webhooks/:id/deliveries', noBody, async (req: Request, res) => {
    authorize(res, 'webhooks:manage');
    const id = validate(WebhookIdParam, req.params.id);
    if (!(await store.getWebhookEndpoint(id))) throw noEndpoint();
    const deliveries = await store.listWebhookDeliveries(id, WEBHOOK_LIMITS.deliveriesShown);
    res.json({ deliveries: deliveries.map(deliveryView) } satisfies WebhookDeliveries);
  });

  router.post('/webhooks/:id/ping', noBody, async (req: Request, res) => {
    authorize(res, 'webhooks:manage');
    const delivery = await webhooks.ping(validate(WebhookIdParam, req.params.id));
    res.status(201).json({ delivery } satisfies WebhookDeliveryAnswer);
  });

  router.post('/webhooks/:id/deliveries/:deliveryId/redeliver', noBody, async (req: Request, res) => {
    authorize(res, 'webhooks:manage');
    const id = validate(WebhookIdParam, req.params.id);
    const delivery = await webhooks.redeliver(id, validate(WebhookIdParam, req.params.deliveryId));
    res.json({ delivery } satisfies WebhookDeliveryAnswer);
  });

  return router;
}

const noEndpoint = () => new GalleyError('not_found', 'No such webhook endpoint');
