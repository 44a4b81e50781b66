import { MEDIA_FORMATS, type MediaFormat } from '../../shared/media';
import type { MediaQuery, MediaRecord } from './MediaStore';
import type { Row } from './storeRows';

export const toMedia = (r: Row): MediaRecord => ({
  id: String(r.id),
  sha256: String(r.sha256),
  format: MEDIA_FORMATS.includes(r.format as MediaFormat) ? (r.format as MediaFormat) : 'jpeg',
  width: Number(r.width),
  height: Number(r.height),
  bytes: Number(r.bytes),
  uploadedBy: String(r.uploaded_by),
  createdAt: String(r.created_at),
  alt: String(r.alt),
  caption: String(r.caption),
  credit: String(r.credit),
});

/**
 * The library's search, the same on every backend: each word must appear (case-insensitively) in the
 * caption, credit, alt text or uploader's name. `param(i)` writes the backend's placeholder for value i.
 */
export function mediaSearch(query: MediaQuery, param: (index: number) => string): { where: string; values: unknown[] } {
  const clauses: string[] = [];
  const values: unknown[] = [];
  const add = (value: unknown) => {
    values.push(value);
    return param(values.length);
  };
  const words = (query.text ?? '').toLowerCase().split(/\s+/).filter(Boolean).slice(0, 8);
  for (const word of words) {
    const p = add(`%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    clauses.push(
      `(LOWER(m.caption) LIKE ${p} ESCAPE '\\' OR LOWER(m.credit) LIKE ${p} ESCAPE '\\' OR LOWER(m.alt) LIKE ${p} ESCAPE '\\' OR LOWER(u.name) LIKE ${p} ESCAPE '\\')`,
    );
  }
  if (query.before) {
    const at = add(query.before.createdAt);
    const id = add(query.before.id);
    clauses.push(`(m.created_at < ${at} OR (m.created_at = ${at} AND m.id < ${id}))`);
  }
  return { where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', values };
}
