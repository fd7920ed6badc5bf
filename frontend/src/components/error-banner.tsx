/**
 * An API error as a human message: translated from its code, with a live countdown from
 * Retry-After for limits, and the trace id in small print for support.
 */
import { useEffect, useState } from 'react';
import { useCountdown } from '../hooks/use-countdown';
import { useI18n } from '../i18n';
import type { ApiError } from '../lib/errors';

export function ErrorBanner({ error, onDismiss, onRetry }: { error: ApiError; onDismiss?: () => void; onRetry?: () => void }) {
  const { t } = useI18n();
  const [startedAt, setStartedAt] = useState(() => Date.now());
  useEffect(() => setStartedAt(Date.now()), [error]);
  const left = useCountdown(error.retryAfterSeconds, startedAt);
  const limited = error.retryAfterSeconds != null;
  const message =
    limited && left > 0
      ? t(error.code === 'quota_exceeded' ? 'error.quota_exceeded.countdown' : 'error.retry_in', { seconds: left })
      : t(error.messageKey);
  return (
    <div
      className="banner banner-error"
      role="alert"
      data-testid={limited ? 'rate-limit-banner' : 'error-banner'}
      data-seconds-left={limited ? left : undefined}
    >
      <div>
        <span>{message}</span>
        {error.param && <span className="muted"> ({error.param})</span>}
        {error.traceId && <small className="trace">{t('error.trace', { id: error.traceId })}</small>}
      </div>
      <div className="banner-actions">
        {onRetry && (
          <button type="button" onClick={onRetry} disabled={limited && left > 0}>
            {t('action.retry')}
          </button>
        )}
        {onDismiss && (
          <button type="button" className="ghost" onClick={onDismiss} aria-label={t('action.dismiss')}>
            ×
          </button>
        )}
      </div>
    </div>
  );
}
