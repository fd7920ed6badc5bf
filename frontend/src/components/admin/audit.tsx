/** The tenant's audit log, newest first, filtered by action and paged by cursor. */
import { useCallback, useEffect, useState } from 'react';
import { useI18n } from '../../i18n';
import { api } from '../../lib/api';
import type { ApiError } from '../../lib/errors';
import { formatTime } from '../../lib/format';
import type { Page } from '../../lib/types';
import { ErrorBanner } from '../error-banner';

interface AuditRow {
  id: string;
  actor: string;
  action: string;
  target: string | null;
  trace_id: string | null;
  occurred_at: string;
}

export function AuditAdmin() {
  const { t, locale } = useI18n();
  const [action, setAction] = useState('');
  const [rows, setRows] = useState<AuditRow[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const load = useCallback(
    async (after: string | null) => {
      try {
        const params = new URLSearchParams({ limit: '50' });
        if (action.trim()) params.set('action', action.trim());
        if (after) params.set('cursor', after);
        const page = await api.get<Page<AuditRow>>(`/api/v1/audit?${params}`);
        setRows((previous) => (after ? [...previous, ...page.data] : page.data));
        setCursor(page.next_cursor);
        setError(null);
      } catch (e) {
        setError(e as ApiError);
      }
    },
    [action],
  );

  useEffect(() => {
    load(null);
  }, [load]);

  return (
    <>
      {error && <ErrorBanner error={error} />}
      <div className="admin-form">
        <label>
          {t('admin.action')}
          <input value={action} placeholder="login_failed" onChange={(e) => setAction(e.target.value)} />
        </label>
      </div>
      <table>
        <thead>
          <tr>
            <th>{t('admin.time')}</th>
            <th>{t('admin.actor')}</th>
            <th>{t('admin.action')}</th>
            <th>{t('admin.target')}</th>
            <th>{t('admin.trace')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id}>
              <td>{formatTime(r.occurred_at, locale)}</td>
              <td>{r.actor}</td>
              <td>
                <code>{r.action}</code>
              </td>
              <td>{r.target}</td>
              <td className="trace">{r.trace_id}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {cursor && (
        <button type="button" className="ghost" onClick={() => load(cursor)}>
          {t('conversations.more')}
        </button>
      )}
    </>
  );
}
