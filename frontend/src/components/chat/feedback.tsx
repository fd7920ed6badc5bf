/** Thumbs up or down on an answer, with an optional comment; rating again replaces it. */
import { useState } from 'react';
import { useI18n } from '../../i18n';
import { api } from '../../lib/api';
import type { ApiError } from '../../lib/errors';

type Rating = 'up' | 'down';

export function Feedback({ messageId }: { messageId: string }) {
  const { t } = useI18n();
  const [rating, setRating] = useState<Rating | null>(null);
  const [commenting, setCommenting] = useState(false);
  const [comment, setComment] = useState('');
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  async function submit(next: Rating, text?: string) {
    try {
      await api.post(`/api/v1/messages/${messageId}/feedback`, { rating: next, ...(text ? { comment: text } : {}) });
      setRating(next);
      setError(null);
      setSent(!!text);
    } catch (e) {
      setError(e as ApiError);
    }
  }

  return (
    <div className="feedback">
      <button
        type="button"
        className="icon"
        aria-pressed={rating === 'up'}
        aria-label={t('feedback.up')}
        title={t('feedback.up')}
        data-testid="feedback-up"
        onClick={() => {
          submit('up');
          setCommenting(true);
        }}
      >
        👍
      </button>
      <button
        type="button"
        className="icon"
        aria-pressed={rating === 'down'}
        aria-label={t('feedback.down')}
        title={t('feedback.down')}
        data-testid="feedback-down"
        onClick={() => {
          submit('down');
          setCommenting(true);
        }}
      >
        👎
      </button>
      {commenting && rating && !sent && (
        <form
          className="feedback-comment"
          onSubmit={(e) => {
            e.preventDefault();
            submit(rating, comment.trim());
            setCommenting(false);
          }}
        >
          <input
            aria-label={t('feedback.comment')}
            placeholder={t('feedback.comment')}
            value={comment}
            maxLength={2000}
            onChange={(e) => setComment(e.target.value)}
            data-testid="feedback-comment"
          />
          <button type="submit" disabled={!comment.trim()}>
            {t('action.send')}
          </button>
        </form>
      )}
      {sent && <span className="muted">{t('feedback.thanks')}</span>}
      {error && <span className="field-error">{t(error.messageKey)}</span>}
    </div>
  );
}
