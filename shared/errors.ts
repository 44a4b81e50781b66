/** Error codes carried by HTTP answers, socket acks and socket error events. */
export const ErrorCode = {
  BadRequest: 'bad_request',
  Unauthenticated: 'unauthenticated',
  Forbidden: 'forbidden',
  NotFound: 'not_found',
  /** Was here and is no longer (an unpublished story). */
  Gone: 'gone',
  Conflict: 'conflict',
  Invalid: 'invalid',
  TooLarge: 'too_large',
  ProtocolMismatch: 'protocol_mismatch',
  NotJoined: 'not_joined',
  StorageFailed: 'storage_failed',
  /** Part of a resync was saved; the rest builds on changes the server does not have yet (kept by the client, retried). */
  Incomplete: 'incomplete',
  RateLimited: 'rate_limited',
  Internal: 'internal',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const HTTP_STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  gone: 410,
  conflict: 409,
  invalid: 422,
  too_large: 413,
  protocol_mismatch: 400,
  not_joined: 400,
  storage_failed: 503,
  incomplete: 409,
  rate_limited: 429,
  internal: 500,
};

export type ErrorBody = { code: ErrorCode; message: string; fields?: Record<string, string> };

/** Every socket acknowledgement has this shape. */
export type Ack<T = null> = { ok: true; data: T } | { ok: false; error: ErrorBody };

export class GalleyError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: Record<string, string>,
  ) {
    super(message);
    this.name = 'GalleyError';
  }

  toBody(): ErrorBody {
    return this.fields ? { code: this.code, message: this.message, fields: this.fields } : { code: this.code, message: this.message };
  }
}
