/** Served models (/v1/models) and the readiness the backend reports (/health). */
import { useResource } from '../../hooks/use-resource';
import { isDemoModel } from '../../hooks/use-models';
import { useI18n } from '../../i18n';
import { api } from '../../lib/api';
import type { Model } from '../../lib/types';
import { ErrorBanner } from '../error-banner';

interface Health {
  status: string;
  components?: Record<string, { status: string; details?: unknown }>;
}

async function loadHealth(): Promise<Health> {
  // Readiness answers 503 with the same body when something is down: read it either way.
  const response = await fetch('/health', { headers: { Accept: 'application/json' } });
  return (await response.json()) as Health;
}

export function ModelsAdmin() {
  const { t } = useI18n();
  const models = useResource(() => api.get<{ data: Model[] }>('/v1/models'));
  const health = useResource(loadHealth);
  return (
    <>
      {models.error && <ErrorBanner error={models.error} />}
      <table>
        <thead>
          <tr>
            <th>{t('admin.model')}</th>
            <th>{t('admin.description')}</th>
            <th>{t('admin.owned_by')}</th>
          </tr>
        </thead>
        <tbody>
          {models.data?.data.map((m) => (
            <tr key={m.id}>
              <td>
                <code>{m.id}</code> {isDemoModel(m) && <span className="badge demo">{t('chat.demo_badge')}</span>}
              </td>
              <td>{m.description}</td>
              <td>{m.owned_by}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>{t('admin.backend_status')}</h3>
      {health.data ? (
        <>
          <p data-testid="backend-status">
            {t('admin.readiness')}: <strong>{health.data.status}</strong>
          </p>
          {health.data.components && (
            <ul>
              {Object.entries(health.data.components).map(([name, c]) => (
                <li key={name}>
                  {name}: {c.status}
                </li>
              ))}
            </ul>
          )}
        </>
      ) : (
        <p className="muted">{t(health.loading ? 'common.loading' : 'admin.status_unknown')}</p>
      )}
    </>
  );
}
