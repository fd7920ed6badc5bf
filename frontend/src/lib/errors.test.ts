import { describe, expect, it } from 'vitest';
import { translate } from '../i18n';
import { fromEnvelope, fromResponse, parseRetryAfter } from './errors';

const envelope = (code: string, extra: object = {}) => ({
  error: { code, type: 'x', message: 'server text', param: null, details: [], traceId: 'abc123', ...extra },
});

describe('API error mapping', () => {
  it('maps an envelope to a human message and keeps the trace id', () => {
    const error = fromEnvelope(envelope('conflict'), 409);
    expect(error.code).toBe('conflict');
    expect(error.messageKey).toBe('error.conflict');
    expect(error.traceId).toBe('abc123');
    expect(translate('en', error.messageKey)).toMatch(/conflicts/);
  });

  it('reads the 429 Retry-After as the countdown value', async () => {
    const response = new Response(JSON.stringify(envelope('rate_limit_exceeded')), {
      status: 429,
      headers: { 'Retry-After': '5', 'Content-Type': 'application/json' },
    });
    const error = await fromResponse(response);
    expect(error.status).toBe(429);
    expect(error.retryAfterSeconds).toBe(5);
    expect(error.retryable).toBe(true);
    expect(translate('en', 'error.retry_in', { seconds: error.retryAfterSeconds! })).toBe(
      'Too many requests, retry in 5 s',
    );
  });

  it('accepts an HTTP-date Retry-After and never counts down from zero', () => {
    const now = Date.parse('2026-11-23T05:00:00Z');
    expect(parseRetryAfter('Mon, 23 Nov 2026 05:00:07 GMT', now)).toBe(7);
    expect(parseRetryAfter('0', now)).toBe(1);
    expect(parseRetryAfter(null, now)).toBeNull();
  });

  it('maps unknown codes and non-envelope bodies to generic messages', () => {
    expect(fromEnvelope(envelope('something_new'), 400).messageKey).toBe('error.unknown');
    const proxy = fromEnvelope('<html>bad gateway</html>', 502);
    expect(proxy.code).toBe('upstream_error');
    expect(proxy.messageKey).toBe('error.upstream_error');
  });

  it('keeps the field a 400 names', () => {
    const error = fromEnvelope(envelope('invalid_request', { param: 'content' }), 400);
    expect(error.param).toBe('content');
  });
});
