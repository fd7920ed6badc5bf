/**
 * Where the access token lives: in this module's memory, and nowhere else. It is never put in
 * localStorage or sessionStorage, so a script injected into the page after a reload finds
 * nothing, and a refresh (cookie for local accounts, the provider's refresh token for SSO,
 * also in memory) gets a new one.
 */

export type SessionKind = 'local' | 'sso';

export interface SsoRefresh {
  tokenEndpoint: string;
  clientId: string;
  refreshToken: string;
}

interface Session {
  accessToken: string;
  kind: SessionKind;
  sso?: SsoRefresh;
}

let session: Session | null = null;
const listeners = new Set<() => void>();

export function getAccessToken(): string | null {
  return session?.accessToken ?? null;
}

export function getSession(): Readonly<Session> | null {
  return session;
}

export function setSession(next: Session | null): void {
  session = next;
  listeners.forEach((listener) => listener());
}

export function updateAccessToken(accessToken: string, sso?: SsoRefresh): void {
  if (!session) return;
  session = { ...session, accessToken, ...(sso ? { sso } : {}) };
}

/** Called when the session starts or ends, so the UI can show the sign-in page. */
export function onSessionChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
