/** Users of the tenant: create, change roles, disable and enable (disabling ends their sessions). */
import { useState } from 'react';
import { useResource } from '../../hooks/use-resource';
import { useI18n } from '../../i18n';
import { api } from '../../lib/api';
import type { ApiError } from '../../lib/errors';
import { formatTime } from '../../lib/format';
import type { Page, Role } from '../../lib/types';
import { ErrorBanner } from '../error-banner';

interface User {
  id: string;
  username: string;
  display_name: string | null;
  auth_method: string;
  roles: Role[];
  enabled: boolean;
  created_at: string;
}

const ROLES: Role[] = ['AGENT', 'ADMIN', 'AUDITOR'];

export function UsersAdmin() {
  const { t, locale } = useI18n();
  const users = useResource(() => api.get<Page<User>>('/api/v1/users?limit=100'));
  const [error, setError] = useState<ApiError | null>(null);
  const [form, setForm] = useState({ username: '', display_name: '', password: '', role: 'AGENT' as Role });

  async function act(work: () => Promise<unknown>) {
    try {
      await work();
      setError(null);
      await users.reload();
    } catch (e) {
      setError(e as ApiError);
    }
  }

  return (
    <>
      {(error ?? users.error) && <ErrorBanner error={(error ?? users.error)!} onDismiss={() => setError(null)} />}
      <form
        className="admin-form"
        data-testid="user-create-form"
        onSubmit={(e) => {
          e.preventDefault();
          act(async () => {
            await api.post('/api/v1/users', {
              username: form.username,
              display_name: form.display_name || null,
              password: form.password,
              roles: [form.role],
            });
            setForm({ username: '', display_name: '', password: '', role: 'AGENT' });
          });
        }}
      >
        <label>
          {t('admin.username')}
          <input required value={form.username} onChange={(e) => setForm({ ...form, username: e.target.value })} />
        </label>
        <label>
          {t('admin.display_name')}
          <input value={form.display_name} onChange={(e) => setForm({ ...form, display_name: e.target.value })} />
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
          />
        </label>
        <label>
          {t('admin.role')}
          <select value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })}>
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        <button type="submit">{t('admin.create_user')}</button>
      </form>
      <table>
        <thead>
          <tr>
            <th>{t('admin.username')}</th>
            <th>{t('admin.roles')}</th>
            <th>{t('admin.status')}</th>
            <th>{t('admin.created')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {users.data?.data.map((u) => (
            <tr key={u.id} data-testid="user-row">
              <td>
                {u.username}
                {u.display_name && <div className="muted">{u.display_name}</div>}
              </td>
              <td>
                {ROLES.map((r) => (
                  <label key={r} className="inline">
                    <input
                      type="checkbox"
                      checked={u.roles.includes(r)}
                      onChange={(e) => {
                        const roles = e.target.checked ? [...u.roles, r] : u.roles.filter((x) => x !== r);
                        if (roles.length > 0) act(() => api.patch(`/api/v1/users/${u.id}`, { roles }));
                      }}
                    />{' '}
                    {r}
                  </label>
                ))}
              </td>
              <td>{t(u.enabled ? 'admin.enabled' : 'admin.disabled')}</td>
              <td>{formatTime(u.created_at, locale)}</td>
              <td>
                <button
                  type="button"
                  className={u.enabled ? 'danger' : 'ghost'}
                  onClick={() => act(() => api.patch(`/api/v1/users/${u.id}`, { enabled: !u.enabled }))}
                >
                  {t(u.enabled ? 'admin.disable' : 'admin.enable')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
