/**
 * One message of the transcript. An answer shows its tool calls, the articles it cited, its
 * timings (time to first token, tokens per second) and its actions: copy, retry, feedback.
 */
import { memo, useState } from 'react';
import { useI18n } from '../../i18n';
import { citationsOf, type ChatMessage } from '../../lib/chat-store';
import { Feedback } from './feedback';
import { Markdown } from './markdown';
import { ToolCallCard } from './tool';

export interface MessageProps {
  message: ChatMessage;
  busy: boolean;
  onDecide: (callId: string, decision: 'approve' | 'reject', args?: unknown) => void;
  onRetry: () => void;
}

/** Server timings: the rate is over the generation itself, after the first token. */
function rate(message: ChatMessage): number | null {
  const { completionTokens, latencyMs, ttftMs } = message;
  if (!completionTokens || latencyMs == null || ttftMs == null || latencyMs <= ttftMs) return null;
  return completionTokens / ((latencyMs - ttftMs) / 1000);
}

export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

export const MessageView = memo(function MessageView({ message, busy, onDecide, onRetry }: MessageProps) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);

  if (message.role === 'user') {
    return (
      <div className="message user" data-testid="user-message" role="article" aria-label={t('message.user')}>
        <div className="bubble">{message.content}</div>
      </div>
    );
  }

  const streaming = message.status === 'streaming';
  const citations = citationsOf(message.toolCalls);
  const perSecond = rate(message);
  const persisted = !message.id.startsWith('local-');

  return (
    <div
      className="message assistant"
      data-testid="assistant-message"
      data-status={streaming ? 'streaming' : message.status === 'complete' ? 'complete' : message.status}
      data-message-id={message.id}
      role="article"
      aria-label={t('message.assistant')}
      aria-busy={streaming}
    >
      <div className="bubble">
        {message.toolCalls.map((call) => (
          <ToolCallCard key={call.id} call={call} disabled={busy} onDecide={onDecide} />
        ))}
        {message.content ? (
          <Markdown source={message.content} settled={!streaming} />
        ) : (
          streaming && <span className="typing" aria-label={t('message.thinking')} />
        )}
        {citations.length > 0 && (
          <div className="citations" data-testid="citations">
            <span className="muted">{t('message.sources')}</span>
            <ul>
              {citations.map((c) => (
                <li key={c.id} data-article-id={c.id}>
                  {c.title}
                </li>
              ))}
            </ul>
          </div>
        )}
        {message.status === 'partial' && <p className="muted">{t('message.stopped')}</p>}
        {message.status === 'failed' && (
          <p className="field-error" role="alert">
            {t(message.error?.messageKey ?? 'error.unknown')}
            {message.error?.traceId && <small className="trace">{t('error.trace', { id: message.error.traceId })}</small>}
          </p>
        )}
      </div>
      {!streaming && (
        <div className="message-footer">
          <button
            type="button"
            className="icon"
            data-testid="copy-answer"
            onClick={async () => setCopied(await copyText(message.content))}
            aria-label={t('message.copy')}
            title={t('message.copy')}
          >
            {copied ? '✓' : '⧉'}
          </button>
          {message.status === 'failed' && (
            <button type="button" className="ghost" onClick={onRetry} disabled={busy} data-testid="retry-answer">
              {t('action.retry')}
            </button>
          )}
          {persisted && message.status !== 'failed' && <Feedback messageId={message.id} />}
          {message.ttftMs != null && (
            <span className="metrics" data-testid="answer-metrics">
              {t('message.ttft', { ms: message.ttftMs })}
              {perSecond != null && ` · ${t('message.rate', { rate: perSecond.toFixed(1) })}`}
            </span>
          )}
        </div>
      )}
    </div>
  );
});
