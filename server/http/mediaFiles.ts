import express from 'express';
import { GalleyError } from '../../shared/errors';
import { MediaFileParam, MediaIdParam } from '../../shared/media';
import type { Authenticator } from '../auth/Authenticator';
import type { MediaLibrary } from '../media/MediaLibrary';
import type { Store } from '../persistence/Store';
import { validate } from './validate';

/**
 * Image files at /media/<id>/<file> (`original`, or a copy such as `640.webp`): to anyone signed in, and
 * to everyone once a published story shows the image (404 otherwise, so an unpublished image's id cannot be
 * confirmed). A file never changes once made, so it is cached, publicly only while it is public.
 */
export function mediaFiles({ store, media, auth }: { store: Store; media: MediaLibrary; auth: Authenticator }): express.Router {
  const router = express.Router();
  router.get('/media/:id/:file', async (req, res) => {
    const id = validate(MediaIdParam, req.params.id);
    const name = validate(MediaFileParam, req.params.file);
    const record = await store.getMedia(id);
    const principal = record && (await auth.authenticate({ cookie: req.headers.cookie, authorization: req.headers.authorization }));
    const isPublic = !!record && (await store.isMediaPublic(record.id));
    if (!record || !(principal || isPublic)) throw new GalleyError('not_found', 'No such image');
    const file = await media.file(record, name);
    if (!file) throw new GalleyError('not_found', 'No such image');
    res.setHeader('Content-Type', file.contentType);
    res.setHeader('Cache-Control', isPublic ? 'public, max-age=86400' : 'private, max-age=3600');
    res.setHeader('ETag', `"${id}-${name}"`);
    // The bytes are ours (re-encoded), but nothing served here should ever run as a page.
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cross-Origin-Resource-Policy', isPublic ? 'cross-origin' : 'same-origin');
    if (req.headers['if-none-match'] === `"${id}-${name}"`) return void res.status(304).end();
    res.end(Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength));
  });
  return router;
}
