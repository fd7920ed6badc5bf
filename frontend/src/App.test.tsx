import { render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from './App';
import { I18nProvider } from './i18n';

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

describe('App', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('shows local sign-in and the SSO button when the backend offers both', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) =>
        url === '/api/v1/auth/config'
          ? json({ local: true, sso: { issuer: 'https://idp.example/realms/acme', client_id: 'enclave', scopes: ['openid'] } })
          : json({ error: { code: 'unauthenticated', message: 'no' } }, 401),
      ),
    );
    render(
      <I18nProvider locale="en">
        <App />
      </I18nProvider>,
    );
    expect(await screen.findByTestId('login-form')).toBeTruthy();
    expect(screen.getByTestId('login-username')).toBeTruthy();
    expect(screen.getByTestId('login-sso').textContent).toBe('Sign in with SSO');
    // The access token is never written to web storage.
    expect(sessionStorage.length + localStorage.length).toBe(0);
  });
});
