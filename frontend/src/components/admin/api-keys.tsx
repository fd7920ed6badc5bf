/** API keys for apps: create (the key is shown once, here) and revoke. */
import { useState } from 'react';
import { useResource } from '../../hooks/use-resource';
import { useI18n } from '../../i18n';
import { api } from '../../lib/api';
import type { ApiError } from '../../lib/errors';
import { formatTime } from '../../lib/format';
import { ErrorBanner } from '../error-banner';
import { copyText } from '../chat/message';

interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
  revoked: boolean;
  priority: string;
}

const SCOPES = ['chat', 'conversations:read', 'conversations:write', 'tools', 'admin', 'audit:read', 'usage:read'];

export function ApiKeysAdmin() {
  const { t, locale } = useI18n();
  const keys = useResource(() => api.get<ApiKey[]>('/api/v1/api-keys'));
  const [error, setError] = useState<ApiError | null>(null);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>(['chat']);
  const [priority, setPriority] = useState('interactive');
  const [shown, setShown] = useState<string | null>(null);

  async function create() {
    try {
      const created = await api.post<{ key: string }>('/api/v1/api-keys', { name, scopes, priority });
      setShown(created.key);
      setName('');
      setError(null);
      await keys.reload();
    } catch (e) {
      setError(e as ApiError);
    }
  }

  async function revoke(id: string) {
    try {
      await api.delete(`/api/v1/api-keys/${id}`);
      await keys.reload();
    } catch (e) {
      setError(e as ApiError);
    }
  }

  return (
    <>
      {(error ?? keys.error) && <ErrorBanner error={(error ?? keys.error)!} onDismiss={() => setError(null)} />}
      {shown && (
        <div className="shown-key" role="status">
          <p>{t('admin.key_shown_once')}</p>
          <code data-testid="api-key-shown">{shown}</code>{' '}
          <button type="button" className="ghost" onClick={() => copyText(shown)}>
            {t('message.copy')}
          </button>{' '}
          <button type="button" className="ghost" onClick={() => setShown(null)}>
            {t('action.dismiss')}
          </button>
        </div>
      )}
      <form
        className="admin-form"
        data-testid="api-key-create-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (scopes.length > 0) create();
        }}
      >
        <label>
          {t('admin.name')}
          <input required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} data-testid="api-key-name" />
        </label>
        <fieldset>
          <legend>{t('admin.scopes')}</legend>
          {SCOPES.map((s) => (
            <label key={s} className="inline">
              <input
                type="checkbox"
                data-testid={`api-key-scope-${s}`}
                checked={scopes.includes(s)}
                onChange={(e) => setScopes(e.target.checked ? [...scopes, s] : scopes.filter((x) => x !== s))}
              />{' '}
              {s}
            </label>
          ))}
        </fieldset>
        <label>
          {t('admin.priority')}
          <select value={priority} onChange={(e) => setPriority(e.target.value)}>
            <option value="interactive">{t('admin.priority_interactive')}</option>
            <option value="batch">{t('admin.priority_batch')}</option>
          </select>
        </label>
        <button type="submit" data-testid="api-key-create">
          {t('admin.create_key')}
        </button>
      </form>
      <table>
        <thead>
          <tr>
            <th>{t('admin.name')}</th>
            <th>{t('admin.prefix')}</th>
            <th>{t('admin.scopes')}</th>
            <th>{t('admin.last_used')}</th>
            <th>{t('admin.status')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {keys.data?.map((k) => (
            <tr key={k.id} data-testid="api-key-row">
              <td>{k.name}</td>
              <td>
                <code>{k.prefix}</code>
              </td>
              <td>{k.scopes.join(', ')}</td>
              <td>{formatTime(k.last_used_at, locale)}</td>
              <td>{t(k.revoked ? 'admin.revoked' : 'admin.active')}</td>
              <td>
                {!k.revoked && (
                  <button type="button" className="danger" onClick={() => revoke(k.id)}>
                    {t('admin.revoke')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
