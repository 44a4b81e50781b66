import { z } from 'zod/mini';
import { GalleyError } from '../../shared/errors';

// The shared schemas use zod/mini, which leaves messages to a locale: the server answers in English.
z.config(z.locales.en());

/** Parses untrusted input at the boundary; a 400 names every bad field. */
export function validate<S extends z.core.$ZodType>(schema: S, input: unknown): z.output<S> {
  const result = z.safeParse(schema, input);
  if (result.success) return result.data;
  const fields: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const key = issue.path.join('.') || '_';
    fields[key] ??= issue.message;
  }
  const summary = Object.entries(fields)
    .map(([k, m]) => (k === '_' ? m : `${k}: ${m}`))
    .join('; ');
  throw new GalleyError('bad_request', summary || 'Invalid request', fields);
}
