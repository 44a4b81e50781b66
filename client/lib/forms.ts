/**
 * Form validation with the same zod schemas the server applies, so people see
 * the server's own wording before a round trip; server answers use the same shape.
 */
import { z } from 'zod/mini';
import { ApiError, errorMessage } from './api';

export type FormErrors = { message: string | null; fields: Record<string, string> };

export const NO_ERRORS: FormErrors = { message: null, fields: {} };

export function checkForm<S extends z.core.$ZodType>(schema: S, values: unknown): { data: z.output<S> } | { errors: FormErrors } {
  const result = z.safeParse(schema, values);
  if (result.success) return { data: result.data };
  const fields: Record<string, string> = {};
  for (const issue of result.error.issues) fields[String(issue.path[0] ?? '_')] ??= issue.message;
  return { errors: { message: 'Please correct the highlighted fields.', fields } };
}

/** What to show for a failed request: the server's message, and its per-field messages. */
export function formErrorsFrom(error: unknown): FormErrors {
  return { message: errorMessage(error), fields: error instanceof ApiError ? error.fields : {} };
}
