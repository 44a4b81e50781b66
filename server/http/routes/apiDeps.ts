import type { Request } from 'express';
import type { Authenticator } from '../../auth/Authenticator';
import type { LiveAccess } from '../../auth/LiveAccess';
import type { SignInThrottle } from '../../auth/SignInThrottle';
import type { DocumentRegistry } from '../../documents/DocumentRegistry';
import type { MediaLibrary } from '../../media/MediaLibrary';
import type { Store } from '../../persistence/Store';
import type { PublishDeps } from '../../workflow/publishStory';
import type { Webhooks } from '../../webhooks/Webhooks';
import type { RetentionDeps } from '../../workflow/storyRetention';

/** What the API's routes are built from (apiRouter passes it to each). */
export type ApiDeps = PublishDeps & {
  store: Store;
  registry: DocumentRegistry;
  auth: Authenticator;
  access: LiveAccess;
  throttle: SignInThrottle;
  allowedOrigins: readonly string[];
  publicOrigin: (req: Request) => string;
  announceVersion: (storyId: string) => void;
  media: MediaLibrary;
  maxUploadBytes: number;
  /** Archive and Trash. */
  retention: RetentionDeps;
  /** Webhook endpoints (admins'). */
  webhooks: Webhooks;
  /** CONTENT_API_PUBLIC: the content API needs no credential. */
  contentApiPublic?: boolean;
};
