/**
 * The backend's error envelope, mirrored. Every layer of Enclave answers errors as
 * {"error": {code, type, message, param, details, traceId, timestamp}}; this module turns
 * such a response into an ApiError whose `messageKey` the UI translates. It is the one place
 * that maps codes to human messages.
 */
import type { MessageKey } from '../i18n/keys';

/** The envelope's `code`s, as the README's table of the API lists them. */
export const ERROR_CODES = [
  'invalid_request',
  'unauthenticated',
  'forbidden',
  'not_found',
  'method_not_allowed',
  'not_acceptable',
  'conflict',
  'payload_too_large',
  'unsupported_media_type',
  'rate_limit_exceeded',
  'quota_exceeded',
  'internal_error',
  'overloaded',
  'ratelimit_unavailable',
  'model_unavailable',
  'upstream_error',
  'upstream_timeout',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorDetail {
  field: string;
  issue: string;
}

export interface ErrorEnvelope {
  error: {
    code: string;
    type?: string;
    message?: string;
    param?: string | null;
    details?: ErrorDetail[];
    traceId?: string;
    timestamp?: string;
  };
}

/** Codes whose message speaks of waiting; the UI counts Retry-After down for them. */
const RETRYABLE: ReadonlySet<string> = new Set([
  'rate_limit_exceeded',
  'quota_exceeded',
  'overloaded',
  'ratelimit_unavailable',
  'model_unavailable',
]);

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly param: string | null;
  readonly details: ErrorDetail[];
  readonly traceId: string | null;
  /** Seconds to wait before retrying, from Retry-After; null when the server gave none. */
  readonly retryAfterSeconds: number | null;

  constructor(init: {
    status: number;
    code: string;
    message: string;
    param?: string | null;
    details?: ErrorDetail[];
    traceId?: string | null;
    retryAfterSeconds?: number | null;
  }) {
    super(init.message);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.param = init.param ?? null;
    this.details = init.details ?? [];
    this.traceId = init.traceId ?? null;
    this.retryAfterSeconds = init.retryAfterSeconds ?? null;
  }

  /** The i18n key of the human message for this error. */
  get messageKey(): MessageKey {
    return messageKeyFor(this.code);
  }

  get retryable(): boolean {
    return RETRYABLE.has(this.code);
  }
}

export function messageKeyFor(code: string): MessageKey {
  if (code === 'network') return 'error.network';
  return (ERROR_CODES as readonly string[]).includes(code)
    ? (`error.${code}` as MessageKey)
    : 'error.unknown';
}

/**
 * Retry-After is either delta-seconds or an HTTP date (RFC 9110); Enclave sends seconds, but a
 * proxy in front may not. Never returns less than 1: a zero countdown would invite a retry storm.
 */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (value == null || value.trim() === '') return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Math.max(1, parseInt(trimmed, 10));
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(1, Math.ceil((date - now) / 1000));
}

function isEnvelope(body: unknown): body is ErrorEnvelope {
  return (
    typeof body === 'object' &&
    body !== null &&
    'error' in body &&
    typeof (body as ErrorEnvelope).error === 'object' &&
    (body as ErrorEnvelope).error !== null &&
    typeof (body as ErrorEnvelope).error.code === 'string'
  );
}

/** Builds an ApiError from an envelope body (parsed JSON) and the response's status and headers. */
export function fromEnvelope(body: unknown, status: number, headers?: Headers): ApiError {
  const retryAfterSeconds = parseRetryAfter(headers?.get('Retry-After') ?? null);
  if (isEnvelope(body)) {
    const e = body.error;
    return new ApiError({
      status,
      code: e.code,
      message: e.message ?? e.code,
      param: e.param,
      details: e.details,
      traceId: e.traceId ?? traceIdFromHeaders(headers),
      retryAfterSeconds,
    });
  }
  // A proxy's HTML error page or an empty body: keep the status, invent nothing else.
  return new ApiError({
    status,
    code: codeForStatus(status),
    message: `HTTP ${status}`,
    traceId: traceIdFromHeaders(headers),
    retryAfterSeconds,
  });
}

/** Reads a failed Response into an ApiError. */
export async function fromResponse(response: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  return fromEnvelope(body, response.status, response.headers);
}

/** A network failure (server down, connection dropped) as an ApiError, so callers handle one type. */
export function networkError(cause: unknown): ApiError {
  return new ApiError({ status: 0, code: 'network', message: String(cause) });
}

function codeForStatus(status: number): string {
  switch (status) {
    case 401:
      return 'unauthenticated';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 429:
      return 'rate_limit_exceeded';
    case 502:
      return 'upstream_error';
    case 503:
      return 'overloaded';
    case 504:
      return 'upstream_timeout';
    default:
      return status >= 500 ? 'internal_error' : 'unknown';
  }
}

/** W3C traceparent is `00-<trace id>-<span id>-<flags>`; the trace id is what support asks for. */
function traceIdFromHeaders(headers?: Headers): string | null {
  const traceparent = headers?.get('traceparent');
  if (!traceparent) return null;
  const parts = traceparent.split('-');
  return parts.length >= 2 ? parts[1] : null;
}
