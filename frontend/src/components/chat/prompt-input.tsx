/**
 * The composer: Enter sends, Shift+Enter makes a new line, and while an answer streams the
 * Send button becomes Stop. Enter that ends an IME composition (pinyin) does not send.
 */
import { useEffect, useRef } from 'react';
import { useI18n } from '../../i18n';

export interface PromptInputProps {
  value: string;
  onChange: (value: string) => void;
  onSend: () => void;
  onStop: () => void;
  busy: boolean;
  disabled?: boolean;
}

export function PromptInput({ value, onChange, onSend, onStop, busy, disabled }: PromptInputProps) {
  const { t } = useI18n();
  const textarea = useRef<HTMLTextAreaElement>(null);
  useEffect(() => textarea.current?.focus(), []);

  return (
    <form
      className="composer"
      onSubmit={(e) => {
        e.preventDefault();
        if (!busy && value.trim()) onSend();
      }}
    >
      <label htmlFor="composer" className="sr-only">
        {t('chat.composer')}
      </label>
      <textarea
        id="composer"
        ref={textarea}
        data-testid="composer"
        rows={2}
        value={value}
        disabled={disabled}
        placeholder={t('chat.placeholder')}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
            e.preventDefault();
            if (!busy && value.trim()) onSend();
          }
        }}
      />
      {busy ? (
        <button type="button" className="danger" onClick={onStop} data-testid="stop-button" aria-keyshortcuts="Escape">
          {t('chat.stop')}
        </button>
      ) : (
        <button type="submit" disabled={disabled || !value.trim()} data-testid="send-button" aria-keyshortcuts="Enter">
          {t('chat.send')}
        </button>
      )}
    </form>
  );
}
