import busboy from 'busboy';
import express, { type Request } from 'express';
import { GalleyError } from '../../../shared/errors';
import {
  MEDIA_LIMITS,
  MediaDetailsBody,
  MediaIdParam,
  MediaListQuery,
  mediaUrl,
  type MediaList,
  type MediaSummary,
  type MediaUploadResult,
} from '../../../shared/media';
import type { MediaLibrary } from '../../media/MediaLibrary';
import type { MediaRecord } from '../../persistence/MediaStore';
import type { Store } from '../../persistence/Store';
import { authorize, noBody } from '../sessionMiddleware';
import { validate } from '../validate';

export type MediaDeps = { store: Store; media: MediaLibrary; maxUploadBytes: number };

/** Uploads buffered at once in this process: each may hold up to MEDIA_MAX_BYTES of memory. */
const UPLOADS_AT_ONCE = 4;

/**
 * The media library's API (docs/media.md): upload (multipart, one `file` part, streamed with a size
 * limit), browse and search, one image's details and where it is published, and its default alt text,
 * caption and credit. Mounted before the API's no-query rule: the list takes a search.
 */
export function mediaRoutes({ store, media, maxUploadBytes }: MediaDeps): express.Router {
  const router = express.Router();
  let uploading = 0;

  router.post('/media', async (req, res) => {
    const user = authorize(res, 'story:edit');
    if (uploading >= UPLOADS_AT_ONCE) throw new GalleyError('rate_limited', 'Too many uploads at once: try again in a moment');
    uploading++;
    try {
      const bytes = await receiveFile(req, maxUploadBytes);
      const { media: record, existing } = await media.upload(bytes, user);
      res.status(existing ? 200 : 201).json({ media: await summarize(store, record), existing } satisfies MediaUploadResult);
    } finally {
      uploading--;
    }
  });

  router.get('/media', async (req, res) => {
    authorize(res, 'story:read');
    const query = validate(MediaListQuery, req.query);
    const before = query.before ? parseCursor(query.before) : undefined;
    const records = await store.listMedia({ text: query.q, before, limit: MEDIA_LIMITS.pageSize + 1 });
    const page = records.slice(0, MEDIA_LIMITS.pageSize);
    const last = page[page.length - 1];
    const next = records.length > page.length && last ? `${last.createdAt}~${last.id}` : null;
    res.json({ media: await Promise.all(page.map((r) => summarize(store, r))), next } satisfies MediaList);
  });

  router.get('/media/:id', noBody, async (req, res) => {
    authorize(res, 'story:read');
    const record = await find(store, req.params.id);
    res.json({ media: await summarize(store, record), publishedIn: await store.storiesShowingMedia(record.id) });
  });

  router.patch('/media/:id', async (req, res) => {
    authorize(res, 'story:edit');
    const record = await find(store, req.params.id);
    const updated = await store.updateMediaDetails(record.id, validate(MediaDetailsBody, req.body));
    if (!updated) throw new GalleyError('not_found', 'No such image');
    res.json({ media: await summarize(store, updated) });
  });

  return router;
}

async function find(store: Store, id: unknown): Promise<MediaRecord> {
  const record = await store.getMedia(validate(MediaIdParam, id));
  if (!record) throw new GalleyError('not_found', 'No such image');
  return record;
}

function parseCursor(cursor: string): { createdAt: string; id: string } {
  const [createdAt, id] = cursor.split('~');
  if (!createdAt || !id || Number.isNaN(Date.parse(createdAt)) || !MediaIdParam.safeParse(id).success) {
    throw new GalleyError('bad_request', 'before: not a page cursor', { before: 'not a page cursor' });
  }
  return { createdAt, id };
}

async function summarize(store: Store, record: MediaRecord): Promise<MediaSummary> {
  const uploader = await store.getUserById(record.uploadedBy);
  return {
    id: record.id,
    format: record.format,
    width: record.width,
    height: record.height,
    bytes: record.bytes,
    uploadedBy: { id: record.uploadedBy, name: uploader?.name ?? 'Unknown' },
    createdAt: record.createdAt,
    alt: record.alt,
    caption: record.caption,
    credit: record.credit,
    url: mediaUrl(record.id),
  };
}

/**
 * The one `file` part of a multipart body, streamed in and bounded: past `maxBytes` the upload is
 * refused (413) without reading the rest into memory. The part's file name and type are ignored.
 */
function receiveFile(req: Request, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { files: 1, fileSize: maxBytes, fields: 0, parts: 1, headerPairs: 20 } });
    } catch {
      reject(new GalleyError('bad_request', 'Send the image as multipart/form-data with one part named “file”'));
      return;
    }
    let file: Promise<Buffer> | undefined;
    const fail = (error: GalleyError) => {
      req.unpipe(parser);
      req.resume();
      reject(error);
    };
    parser.on('file', (name, stream) => {
      if (name !== 'file') {
        stream.resume();
        return fail(new GalleyError('bad_request', 'The image goes in a part named “file”', { file: 'missing' }));
      }
      file = new Promise((done, failed) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('limit', () =>
          failed(new GalleyError('too_large', `Images may be at most ${Math.floor(maxBytes / 1_048_576)} MB`, { file: 'too large' })),
        );
        stream.on('error', failed);
        stream.on('end', () => done(Buffer.concat(chunks)));
      });
      file.catch(fail);
    });
    // Reaching `parts` only skips what follows; a form field or a second file is refused.
    parser.on('filesLimit', () => fail(new GalleyError('bad_request', 'Send one image at a time')));
    parser.on('fieldsLimit', () => fail(new GalleyError('bad_request', 'Send only the image')));
    parser.on('error', () => fail(new GalleyError('bad_request', 'The upload was cut off or is not valid multipart')));
    parser.on('close', () => {
      if (!file) return reject(new GalleyError('bad_request', 'No image in the upload', { file: 'missing' }));
      file.then(
        (bytes) => (bytes.length === 0 ? reject(new GalleyError('bad_request', 'The file is empty', { file: 'empty' })) : resolve(bytes)),
        reject,
      );
    });
    req.pipe(parser);
  });
}
