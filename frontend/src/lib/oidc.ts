/**
 * Single sign-on: the authorization code flow with PKCE (RFC 7636) against the issuer that
 * /api/v1/auth/config names. The verifier and state must survive the redirect to the provider,
 * so they (never a token) wait in sessionStorage, and are removed when the code comes back.
 */
import type { AuthConfig, TokenPair } from './types';

const PENDING_KEY = 'enclave.oidc.pending';

interface Discovery {
  authorization_endpoint: string;
  token_endpoint: string;
  end_session_endpoint?: string;
}

interface Pending {
  state: string;
  verifier: string;
  tokenEndpoint: string;
  clientId: string;
}

export interface SsoTokens {
  accessToken: string;
  refreshToken: string | null;
  tokenEndpoint: string;
  clientId: string;
}

function base64url(bytes: Uint8Array): string {
  let binary = '';
  bytes.forEach((b) => (binary += String.fromCharCode(b)));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function randomString(byteCount = 32): string {
  const bytes = new Uint8Array(byteCount);
  crypto.getRandomValues(bytes);
  return base64url(bytes);
}

export async function challengeFor(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

async function discover(issuer: string): Promise<Discovery> {
  const response = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
  if (!response.ok) throw new Error(`discovery failed: ${response.status}`);
  return (await response.json()) as Discovery;
}

function redirectUri(): string {
  return `${window.location.origin}/`;
}

/** Sends the browser to the provider's sign-in page. */
export async function startSso(sso: NonNullable<AuthConfig['sso']>): Promise<void> {
  const discovery = await discover(sso.issuer);
  const verifier = randomString(48);
  const pending: Pending = {
    state: randomString(16),
    verifier,
    tokenEndpoint: discovery.token_endpoint,
    clientId: sso.client_id,
  };
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  const url = new URL(discovery.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: sso.client_id,
    redirect_uri: redirectUri(),
    scope: sso.scopes.join(' ') || 'openid',
    state: pending.state,
    code_challenge: await challengeFor(verifier),
    code_challenge_method: 'S256',
  }).toString();
  window.location.assign(url.toString());
}

/**
 * When the provider sent the browser back with ?code&state, exchanges the code for tokens and
 * cleans the address bar; returns null when this page load is not such a return.
 */
export async function completeSso(): Promise<SsoTokens | null> {
  const params = new URLSearchParams(window.location.search);
  const code = params.get('code');
  const state = params.get('state');
  const stored = sessionStorage.getItem(PENDING_KEY);
  if (!code || !state || !stored) return null;
  sessionStorage.removeItem(PENDING_KEY);
  window.history.replaceState(null, '', '/');
  const pending = JSON.parse(stored) as Pending;
  if (pending.state !== state) throw new Error('state mismatch');
  const response = await fetch(pending.tokenEndpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri(),
      client_id: pending.clientId,
      code_verifier: pending.verifier,
    }),
  });
  if (!response.ok) throw new Error(`token exchange failed: ${response.status}`);
  const tokens = (await response.json()) as TokenPair;
  return {
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token ?? null,
    tokenEndpoint: pending.tokenEndpoint,
    clientId: pending.clientId,
  };
}
