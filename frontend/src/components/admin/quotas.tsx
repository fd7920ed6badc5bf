/** Quota overrides per key, user or tenant; an empty limit inherits the default tier. */
import { useState } from 'react';
import { useResource } from '../../hooks/use-resource';
import { useI18n } from '../../i18n';
import { api } from '../../lib/api';
import type { ApiError } from '../../lib/errors';
import { ErrorBanner } from '../error-banner';

const LIMITS = ['requests_per_minute', 'tokens_per_minute', 'tokens_per_day', 'concurrent_requests'] as const;
type Limit = (typeof LIMITS)[number];
type Limits = Partial<Record<Limit, number | null>>;

interface Override extends Limits {
  scope: string;
  id: string;
}

export function QuotasAdmin() {
  const { t } = useI18n();
  const quotas = useResource(() => api.get<{ defaults: Record<string, Limits>; data: Override[] }>('/api/v1/admin/quotas'));
  const [error, setError] = useState<ApiError | null>(null);
  const [scope, setScope] = useState('key');
  const [id, setId] = useState('');
  const [values, setValues] = useState<Record<Limit, string>>({
    requests_per_minute: '',
    tokens_per_minute: '',
    tokens_per_day: '',
    concurrent_requests: '',
  });

  async function act(work: () => Promise<unknown>) {
    try {
      await work();
      setError(null);
      await quotas.reload();
    } catch (e) {
      setError(e as ApiError);
    }
  }

  return (
    <>
      {(error ?? quotas.error) && <ErrorBanner error={(error ?? quotas.error)!} onDismiss={() => setError(null)} />}
      {quotas.data && (
        <table>
          <thead>
            <tr>
              <th>{t('admin.scope')}</th>
              {LIMITS.map((l) => (
                <th key={l}>{t(`admin.limit.${l}`)}</th>
              ))}
              <th />
            </tr>
          </thead>
          <tbody>
            {Object.entries(quotas.data.defaults).map(([name, limits]) => (
              <tr key={name} className="muted">
                <td>{t('admin.default_tier', { scope: name })}</td>
                {LIMITS.map((l) => (
                  <td key={l}>{limits[l] ?? '—'}</td>
                ))}
                <td />
              </tr>
            ))}
            {quotas.data.data.map((o) => (
              <tr key={`${o.scope}:${o.id}`}>
                <td>
                  {o.scope}: <code>{o.id}</code>
                </td>
                {LIMITS.map((l) => (
                  <td key={l}>{o[l] ?? t('admin.inherited')}</td>
                ))}
                <td>
                  <button type="button" className="ghost" onClick={() => act(() => api.delete(`/api/v1/admin/quotas/${o.scope}/${o.id}`))}>
                    {t('admin.remove')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form
        className="admin-form"
        onSubmit={(e) => {
          e.preventDefault();
          const body = Object.fromEntries(LIMITS.map((l) => [l, values[l] ? Number(values[l]) : null]));
          act(() => api.put(`/api/v1/admin/quotas/${scope}/${id.trim()}`, body));
        }}
      >
        <label>
          {t('admin.scope')}
          <select value={scope} onChange={(e) => setScope(e.target.value)}>
            <option value="key">{t('admin.scope_key')}</option>
            <option value="user">{t('admin.scope_user')}</option>
            <option value="tenant">{t('admin.scope_tenant')}</option>
          </select>
        </label>
        <label>
          {t('admin.id')}
          <input required value={id} onChange={(e) => setId(e.target.value)} />
        </label>
        {LIMITS.map((l) => (
          <label key={l}>
            {t(`admin.limit.${l}`)}
            <input type="number" min={1} value={values[l]} onChange={(e) => setValues({ ...values, [l]: e.target.value })} />
          </label>
        ))}
        <button type="submit">{t('action.save')}</button>
      </form>
    </>
  );
}
