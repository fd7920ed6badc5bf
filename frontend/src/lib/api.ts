/**
 * The console's HTTP client: adds the bearer token, refreshes it once on a 401, and turns
 * every failure into an ApiError (see errors.ts). Streams go through `stream`, which reads
 * text/event-stream from fetch (EventSource cannot send Authorization).
 */
import { ApiError, fromResponse, networkError } from './errors';
import { readSse, type SseEvent } from './sse';
import { getAccessToken, getSession, setSession, updateAccessToken } from './token-store';
import type { TokenPair } from './types';

/** Tells login and refresh to set the refresh token as an HttpOnly cookie instead of returning it. */
export const CLIENT_HEADER = { 'X-Enclave-Client': 'console' } as const;

let refreshing: Promise<boolean> | null = null;

/**
 * Gets a new access token, once for all callers that hit a 401 at the same time (a refresh
 * token works once: two parallel refreshes would revoke the session).
 */
export function refreshAccessToken(): Promise<boolean> {
  if (!refreshing) {
    refreshing = doRefresh().finally(() => {
      refreshing = null;
    });
  }
  return refreshing;
}

async function doRefresh(): Promise<boolean> {
  const session = getSession();
  try {
    if (session?.kind === 'sso') {
      if (!session.sso) return false;
      const response = await fetch(session.sso.tokenEndpoint, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: session.sso.refreshToken,
          client_id: session.sso.clientId,
        }),
      });
      if (!response.ok) return false;
      const tokens = (await response.json()) as TokenPair;
      updateAccessToken(tokens.access_token, {
        ...session.sso,
        refreshToken: tokens.refresh_token ?? session.sso.refreshToken,
      });
      return true;
    }
    const tokens = await refreshLocal();
    if (!tokens) return false;
    if (session) updateAccessToken(tokens.access_token);
    else setSession({ accessToken: tokens.access_token, kind: 'local' });
    return true;
  } catch {
    return false;
  }
}

/** The cookie-based refresh of local accounts; also how a reloaded page gets its session back. */
export async function refreshLocal(): Promise<TokenPair | null> {
  const response = await fetch('/api/v1/auth/refresh', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { ...CLIENT_HEADER, 'Content-Type': 'application/json' },
  });
  if (!response.ok) return null;
  return (await response.json()) as TokenPair;
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

async function send(path: string, options: RequestOptions, retried = false): Promise<Response> {
  const token = getAccessToken();
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method: options.method ?? 'GET',
      headers,
      body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw networkError(cause);
  }
  if (response.status === 401 && token && !retried) {
    if (await refreshAccessToken()) return send(path, options, true);
    // The session is over (expired, revoked, user disabled): back to the sign-in page.
    setSession(null);
  }
  if (!response.ok) throw await fromResponse(response);
  return response;
}

/** Sends a JSON request and returns the parsed body (undefined for 204). */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await send(path, options);
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const api = {
  get: <T>(path: string, signal?: AbortSignal) => request<T>(path, { signal }),
  post: <T>(path: string, body?: unknown) => request<T>(path, { method: 'POST', body }),
  put: <T>(path: string, body?: unknown) => request<T>(path, { method: 'PUT', body }),
  patch: <T>(path: string, body?: unknown) => request<T>(path, { method: 'PATCH', body }),
  delete: <T = void>(path: string) => request<T>(path, { method: 'DELETE' }),
};

/** An SSE event whose data was JSON, parsed. */
export interface StreamEvent {
  event: string;
  data: unknown;
}

/**
 * POSTs and reads the answer as text/event-stream until it ends. A refusal before the stream
 * starts (429, 409, 400) rejects with its ApiError; aborting the signal stops the stream (and
 * the server cancels the generation).
 */
export async function stream(
  path: string,
  body: unknown,
  onEvent: (event: StreamEvent) => void,
  signal: AbortSignal,
): Promise<void> {
  const response = await send(path, {
    method: 'POST',
    body: body ?? undefined,
    headers: { Accept: 'text/event-stream' },
    signal,
  });
  if (!response.body) throw new ApiError({ status: response.status, code: 'unknown', message: 'empty stream' });
  await readSse(response.body, (event: SseEvent) => {
    let data: unknown = event.data;
    try {
      data = JSON.parse(event.data);
    } catch {
      // Not JSON: hand over the text as it came.
    }
    onEvent({ event: event.event, data });
  });
}
