/** Sign-in: a local account's name and password, and SSO when the installation has a provider. */
import { useState } from 'react';
import { ErrorBanner } from '../components/error-banner';
import { LanguageSwitcher } from '../components/language-switcher';
import { useI18n } from '../i18n';
import type { ApiError } from '../lib/errors';
import type { AuthConfig } from '../lib/types';

export interface LoginPageProps {
  config: AuthConfig;
  ssoError: boolean;
  onLogin: (username: string, password: string) => Promise<void>;
  onSso: () => Promise<void>;
}

export function LoginPage({ config, ssoError, onLogin, onSso }: LoginPageProps) {
  const { t } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  return (
    <main className="login">
      <div className="login-card">
        <header>
          <h1>{t('app.name')}</h1>
          <LanguageSwitcher />
        </header>
        <p className="muted">{t('login.subtitle')}</p>
        {error && <ErrorBanner error={error} onDismiss={() => setError(null)} />}
        {ssoError && <p className="field-error" role="alert">{t('login.sso_failed')}</p>}
        {config.local && (
          <form
            data-testid="login-form"
            onSubmit={async (e) => {
              e.preventDefault();
              setPending(true);
              try {
                await onLogin(username, password);
              } catch (err) {
                setError(err as ApiError);
              } finally {
                setPending(false);
              }
            }}
          >
            <label htmlFor="username">{t('login.username')}</label>
            <input
              id="username"
              name="username"
              autoComplete="username"
              data-testid="login-username"
              value={username}
              required
              onChange={(e) => setUsername(e.target.value)}
            />
            <label htmlFor="password">{t('login.password')}</label>
            <input
              id="password"
              name="password"
              type="password"
              autoComplete="current-password"
              data-testid="login-password"
              value={password}
              required
              onChange={(e) => setPassword(e.target.value)}
            />
            <button type="submit" disabled={pending} data-testid="login-submit">
              {t('login.submit')}
            </button>
          </form>
        )}
        {config.sso && (
          <button type="button" className="secondary sso" onClick={() => onSso()} data-testid="login-sso">
            {t('login.sso')}
          </button>
        )}
      </div>
    </main>
  );
}
