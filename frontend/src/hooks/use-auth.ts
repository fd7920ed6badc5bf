/**
 * The sign-in state: restores a session on load (an SSO return, or the refresh cookie of a
 * local account), signs in and out, and follows the token store so an expired session lands
 * on the sign-in page.
 */
import { useCallback, useEffect, useState } from 'react';
import { api, CLIENT_HEADER, refreshLocal, request } from '../lib/api';
import { completeSso, startSso } from '../lib/oidc';
import { getSession, onSessionChange, setSession } from '../lib/token-store';
import type { AuthConfig, Me, TokenPair } from '../lib/types';

export type AuthStatus = 'loading' | 'signed_out' | 'signed_in';

const LOCAL_ONLY: AuthConfig = { local: true, sso: null };

async function loadConfig(): Promise<AuthConfig> {
  try {
    return await request<AuthConfig>('/api/v1/auth/config');
  } catch {
    // An older backend without the endpoint still has local accounts.
    return LOCAL_ONLY;
  }
}

async function restoreSession(): Promise<void> {
  const sso = await completeSso();
  if (sso) {
    setSession({
      accessToken: sso.accessToken,
      kind: 'sso',
      ...(sso.refreshToken
        ? { sso: { tokenEndpoint: sso.tokenEndpoint, clientId: sso.clientId, refreshToken: sso.refreshToken } }
        : {}),
    });
    return;
  }
  const tokens = await refreshLocal().catch(() => null);
  if (tokens) setSession({ accessToken: tokens.access_token, kind: 'local' });
}

export function useAuth() {
  const [status, setStatus] = useState<AuthStatus>('loading');
  const [me, setMe] = useState<Me | null>(null);
  const [config, setConfig] = useState<AuthConfig>(LOCAL_ONLY);
  const [ssoError, setSsoError] = useState(false);

  const loadMe = useCallback(async () => {
    const who = await api.get<Me>('/api/v1/me');
    setMe(who);
    setStatus('signed_in');
  }, []);

  useEffect(() => {
    let cancelled = false;
    (async () => {
      setConfig(await loadConfig());
      try {
        await restoreSession();
      } catch {
        setSsoError(true);
      }
      if (cancelled) return;
      if (getSession()) await loadMe().catch(() => setStatus('signed_out'));
      else setStatus('signed_out');
    })();
    return () => {
      cancelled = true;
    };
  }, [loadMe]);

  useEffect(
    () =>
      onSessionChange(() => {
        if (!getSession()) {
          setMe(null);
          setStatus('signed_out');
        }
      }),
    [],
  );

  /** Signs in with a local account; rejects with the ApiError (401, 429 with Retry-After). */
  const login = useCallback(
    async (username: string, password: string) => {
      const tokens = await request<TokenPair>('/api/v1/auth/login', {
        method: 'POST',
        body: { username, password },
        headers: { ...CLIENT_HEADER },
      });
      setSession({ accessToken: tokens.access_token, kind: 'local' });
      await loadMe();
    },
    [loadMe],
  );

  const loginWithSso = useCallback(async () => {
    if (config.sso) await startSso(config.sso);
  }, [config]);

  const logout = useCallback(async () => {
    if (getSession()?.kind === 'local') {
      // Ends the server-side session and clears the refresh cookie; sign out locally whatever it says.
      await request('/api/v1/auth/logout', {
        method: 'POST',
        headers: { ...CLIENT_HEADER, 'Content-Type': 'application/json' },
      }).catch(() => undefined);
    }
    setSession(null);
  }, []);

  return { status, me, config, ssoError, login, loginWithSso, logout };
}
