/** The tenant's retention: conversations are erased this many days after their last activity. */
import { useEffect, useState } from 'react';
import { useResource } from '../../hooks/use-resource';
import { useI18n } from '../../i18n';
import { api } from '../../lib/api';
import type { ApiError } from '../../lib/errors';
import { ErrorBanner } from '../error-banner';

export function RetentionAdmin() {
  const { t } = useI18n();
  const retention = useResource(() => api.get<{ retention_days: number | null }>('/api/v1/retention'));
  const [days, setDays] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => setDays(retention.data?.retention_days?.toString() ?? ''), [retention.data]);

  return (
    <>
      {(error ?? retention.error) && <ErrorBanner error={(error ?? retention.error)!} onDismiss={() => setError(null)} />}
      <p className="muted">{t('admin.retention_help')}</p>
      <form
        className="admin-form"
        onSubmit={async (e) => {
          e.preventDefault();
          try {
            await api.put('/api/v1/retention', { retention_days: days ? Number(days) : null });
            setError(null);
            setSaved(true);
          } catch (err) {
            setError(err as ApiError);
          }
        }}
      >
        <label>
          {t('admin.retention_days')}
          <input type="number" min={1} max={36500} value={days} placeholder={t('admin.keep_forever')} onChange={(e) => setDays(e.target.value)} />
        </label>
        <button type="submit">{t('action.save')}</button>
        {saved && <span role="status">{t('admin.saved')}</span>}
      </form>
    </>
  );
}
