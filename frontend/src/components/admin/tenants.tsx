/** Tenants, for the installation's operators: list, create one with its first administrator, disable and enable. */
import { useState } from 'react';
import { useResource } from '../../hooks/use-resource';
import { useI18n } from '../../i18n';
import { api } from '../../lib/api';
import type { ApiError } from '../../lib/errors';
import { formatTime } from '../../lib/format';
import { ErrorBanner } from '../error-banner';

interface Tenant {
  id: string;
  slug: string;
  name: string;
  enabled?: boolean;
  disabled?: boolean;
  created_at?: string;
}

function isEnabled(tenant: Tenant): boolean {
  return tenant.enabled ?? !tenant.disabled;
}

export function TenantsAdmin() {
  const { t, locale } = useI18n();
  const tenants = useResource(() => api.get<{ data: Tenant[] }>('/api/v1/admin/tenants'));
  const [error, setError] = useState<ApiError | null>(null);
  const [form, setForm] = useState({ slug: '', name: '', username: '', password: '' });

  async function act(work: () => Promise<unknown>) {
    try {
      await work();
      setError(null);
      await tenants.reload();
    } catch (e) {
      setError(e as ApiError);
    }
  }

  if (tenants.error?.code === 'forbidden') return <p className="muted">{t('admin.tenants_operators_only')}</p>;

  return (
    <>
      {(error ?? tenants.error) && <ErrorBanner error={(error ?? tenants.error)!} onDismiss={() => setError(null)} />}
      <form
        className="admin-form"
        data-testid="tenant-create-form"
        onSubmit={(e) => {
          e.preventDefault();
          act(async () => {
            await api.post('/api/v1/admin/tenants', {
              slug: form.slug,
              name: form.name,
              admin: { username: form.username, password: form.password },
            });
            setForm({ slug: '', name: '', username: '', password: '' });
          });
        }}
      >
        <label>
          {t('admin.slug')}
          <input required pattern="[a-z0-9-]+" value={form.slug} onChange={(e) => setForm({ ...form, slug: e.target.value })} data-testid="tenant-slug" />
        </label>
        <label>
          {t('admin.name')}
          <input required value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} data-testid="tenant-name" />
        </label>
        <label>
          {t('admin.first_admin')}
          <input required value={form.username} onChange={(e) => setForm({ ...form, username: e.target.value })} data-testid="tenant-admin-username" />
        </label>
        <label>
          {t('admin.password')}
          <input
            required
            type="password"
            minLength={12}
            autoComplete="new-password"
            value={form.password}
            onChange={(e) => setForm({ ...form, password: e.target.value })}
            data-testid="tenant-admin-password"
          />
        </label>
        <button type="submit" data-testid="tenant-create">
          {t('admin.create_tenant')}
        </button>
      </form>
      <table>
        <thead>
          <tr>
            <th>{t('admin.slug')}</th>
            <th>{t('admin.name')}</th>
            <th>{t('admin.status')}</th>
            <th>{t('admin.created')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {tenants.data?.data.map((tenant) => (
            <tr key={tenant.id} data-testid="tenant-row">
              <td>
                <code>{tenant.slug}</code>
              </td>
              <td>{tenant.name}</td>
              <td>{t(isEnabled(tenant) ? 'admin.enabled' : 'admin.disabled')}</td>
              <td>{formatTime(tenant.created_at, locale)}</td>
              <td>
                <button
                  type="button"
                  className={isEnabled(tenant) ? 'danger' : 'ghost'}
                  onClick={() => act(() => api.post(`/api/v1/admin/tenants/${tenant.id}/${isEnabled(tenant) ? 'disable' : 'enable'}`))}
                >
                  {t(isEnabled(tenant) ? 'admin.disable' : 'admin.enable')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
