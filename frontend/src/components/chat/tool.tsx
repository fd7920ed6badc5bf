/**
 * A tool call as a card: name, arguments, status and result. A call waiting for a person
 * offers Approve, Edit & approve (the JSON arguments) and Reject.
 */
import { useState } from 'react';
import { useI18n } from '../../i18n';
import type { MessageKey } from '../../i18n/keys';
import type { ToolCallEvent } from '../../lib/types';

function pretty(value: unknown): string {
  if (typeof value === 'string') {
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      return value;
    }
  }
  return JSON.stringify(value, null, 2);
}

export interface ToolCallCardProps {
  call: ToolCallEvent;
  disabled: boolean;
  onDecide: (callId: string, decision: 'approve' | 'reject', args?: unknown) => void;
}

export function ToolCallCard({ call, disabled, onDecide }: ToolCallCardProps) {
  const { t } = useI18n();
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(() => pretty(call.arguments));
  const [invalid, setInvalid] = useState(false);
  const waiting = call.status === 'awaiting_approval';

  function approveEdited() {
    try {
      const args: unknown = JSON.parse(draft);
      setInvalid(false);
      setEditing(false);
      onDecide(call.id, 'approve', args);
    } catch {
      setInvalid(true);
    }
  }

  return (
    <section
      className={`tool-card status-${call.status}`}
      data-testid="tool-call-card"
      data-tool={call.name}
      data-status={call.status}
      aria-label={t('tool.card', { name: call.name })}
    >
      <header>
        <code className="tool-name">{call.name}</code>
        <span className="badge">{t(`tool.status.${call.status}` as MessageKey)}</span>
      </header>
      {editing ? (
        <div className="tool-edit">
          <label htmlFor={`args-${call.id}`}>{t('tool.arguments')}</label>
          <textarea
            id={`args-${call.id}`}
            data-testid="tool-call-arguments-editor"
            value={draft}
            rows={6}
            onChange={(e) => setDraft(e.target.value)}
            aria-invalid={invalid}
          />
          {invalid && <p className="field-error">{t('tool.invalid_json')}</p>}
        </div>
      ) : (
        <details open={waiting}>
          <summary>{t('tool.arguments')}</summary>
          <pre>{pretty(call.arguments)}</pre>
        </details>
      )}
      {call.result != null && (
        <details>
          <summary>{t('tool.result')}</summary>
          <pre>{pretty(call.result)}</pre>
        </details>
      )}
      {waiting && (
        <div className="tool-actions">
          {editing ? (
            <>
              <button type="button" onClick={approveEdited} disabled={disabled} data-testid="tool-call-approve-edited">
                {t('tool.approve_edited')}
              </button>
              <button type="button" className="ghost" onClick={() => setEditing(false)}>
                {t('action.cancel')}
              </button>
            </>
          ) : (
            <>
              <button type="button" onClick={() => onDecide(call.id, 'approve')} disabled={disabled} data-testid="tool-call-approve">
                {t('tool.approve')}
              </button>
              <button type="button" className="ghost" onClick={() => setEditing(true)} disabled={disabled} data-testid="tool-call-edit">
                {t('tool.edit_approve')}
              </button>
              <button type="button" className="danger" onClick={() => onDecide(call.id, 'reject')} disabled={disabled} data-testid="tool-call-reject">
                {t('tool.reject')}
              </button>
            </>
          )}
        </div>
      )}
    </section>
  );
}
