import { useEffect, useRef } from 'react';
import { useI18n } from '../i18n';

/** A modal question with Cancel and a confirming action; Esc cancels. */
export function ConfirmDialog({
  message,
  confirmLabel,
  onConfirm,
  onCancel,
}: {
  message: string;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => cancel.current?.focus(), []);
  return (
    <div className="overlay" onKeyDown={(e) => e.key === 'Escape' && (e.stopPropagation(), onCancel())}>
      <div className="dialog" role="alertdialog" aria-modal="true" aria-labelledby="confirm-message" data-testid="confirm-dialog">
        <p id="confirm-message">{message}</p>
        <div className="dialog-actions">
          <button type="button" ref={cancel} className="ghost" onClick={onCancel} data-testid="confirm-cancel">
            {t('action.cancel')}
          </button>
          <button type="button" className="danger" onClick={onConfirm} data-testid="confirm-ok">
            {confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
