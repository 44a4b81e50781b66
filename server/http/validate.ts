import type { z } from 'zod';
import { GalleyError } from '../../shared/errors';

/** Parses untrusted input at the boundary; a 400 names every bad field. */
export function validate<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
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
