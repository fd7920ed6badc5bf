/** Usage by day, model or key: a table and, by day, a small uPlot chart of tokens. */
import { useEffect, useRef, useState } from 'react';
import { useResource } from '../../hooks/use-resource';
import { useI18n } from '../../i18n';
import { api } from '../../lib/api';
import { formatNumber } from '../../lib/format';
import { ErrorBanner } from '../error-banner';

interface UsageGroup {
  group: string;
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  cache_hits: number;
}

type GroupBy = 'day' | 'model' | 'key';

export function UsageAdmin() {
  const { t, locale } = useI18n();
  const [groupBy, setGroupBy] = useState<GroupBy>('day');
  const usage = useResource(() => api.get<{ data: UsageGroup[] }>(`/api/v1/usage?group_by=${groupBy}`), [groupBy]);
  const rows = usage.data?.data ?? [];

  return (
    <>
      {usage.error && <ErrorBanner error={usage.error} />}
      <div className="admin-form" role="radiogroup" aria-label={t('admin.group_by')}>
        {(['day', 'model', 'key'] as GroupBy[]).map((g) => (
          <label key={g} className="inline">
            <input type="radio" name="group_by" checked={groupBy === g} onChange={() => setGroupBy(g)} /> {t(`admin.by_${g}`)}
          </label>
        ))}
      </div>
      {groupBy === 'day' && rows.length > 0 && <DailyChart rows={rows} />}
      <table>
        <thead>
          <tr>
            <th>{t(`admin.by_${groupBy}`)}</th>
            <th>{t('admin.requests')}</th>
            <th>{t('admin.prompt_tokens')}</th>
            <th>{t('admin.completion_tokens')}</th>
            <th>{t('admin.total_tokens')}</th>
            <th>{t('admin.cache_hits')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.group}>
              <td>{r.group}</td>
              <td>{formatNumber(r.requests, locale)}</td>
              <td>{formatNumber(r.prompt_tokens, locale)}</td>
              <td>{formatNumber(r.completion_tokens, locale)}</td>
              <td>{formatNumber(r.total_tokens, locale)}</td>
              <td>{formatNumber(r.cache_hits, locale)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** uPlot (about 20 KB gzipped), loaded with this screen only. */
function DailyChart({ rows }: { rows: UsageGroup[] }) {
  const { t } = useI18n();
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let chart: { destroy(): void } | null = null;
    let cancelled = false;
    Promise.all([import('uplot'), import('uplot/dist/uPlot.min.css')]).then(([{ default: UPlot }]) => {
      if (cancelled || !container.current) return;
      const sorted = [...rows].sort((a, b) => a.group.localeCompare(b.group));
      const x = sorted.map((r) => Date.parse(r.group) / 1000);
      chart = new UPlot(
        {
          width: Math.min(container.current.clientWidth || 600, 900),
          height: 220,
          series: [
            {},
            { label: t('admin.prompt_tokens'), stroke: '#0b5cad' },
            { label: t('admin.completion_tokens'), stroke: '#d97706' },
          ],
        },
        [x, sorted.map((r) => r.prompt_tokens), sorted.map((r) => r.completion_tokens)],
        container.current,
      );
    });
    return () => {
      cancelled = true;
      chart?.destroy();
    };
  }, [rows, t]);
  return <div ref={container} className="chart" data-testid="usage-chart" aria-label={t('admin.usage_chart')} role="img" />;
}
