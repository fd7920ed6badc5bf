/**
 * The transcript, virtualised: only the messages on screen are in the DOM, so a conversation
 * of hundreds of messages opens and scrolls smoothly. It follows the bottom while an answer
 * streams, unless the reader has scrolled up.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import { useI18n } from '../../i18n';
import type { ChatMessage } from '../../lib/chat-store';
import { MessageView } from './message';

export interface TranscriptProps {
  messages: ChatMessage[];
  busy: boolean;
  onDecide: (callId: string, decision: 'approve' | 'reject', args?: unknown) => void;
  onRetry: () => void;
}

export function Transcript({ messages, busy, onDecide, onRetry }: TranscriptProps) {
  const { t } = useI18n();
  const scroller = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);
  const virtualizer = useVirtualizer({
    count: messages.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 120,
    overscan: 6,
    // Without a size the virtualizer renders nothing until its ResizeObserver first reports,
    // a frame or more later: the first streamed token of a new conversation waited for that.
    initialRect: { width: 800, height: 600 },
    getItemKey: (index) => messages[index].id,
  });

  const last = messages[messages.length - 1];
  useEffect(() => {
    if (pinned.current && messages.length > 0) virtualizer.scrollToIndex(messages.length - 1, { align: 'end' });
  }, [messages.length, last?.content, last?.toolCalls.length, virtualizer]);

  return (
    <div
      ref={scroller}
      className="transcript"
      role="log"
      aria-live="polite"
      aria-label={t('chat.transcript')}
      data-testid="transcript"
      onScroll={(e) => {
        const el = e.currentTarget;
        pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
      }}
    >
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative', width: '100%' }}>
        {virtualizer.getVirtualItems().map((item) => (
          <div
            key={item.key}
            data-index={item.index}
            ref={virtualizer.measureElement}
            style={{ position: 'absolute', top: 0, left: 0, width: '100%', transform: `translateY(${item.start}px)` }}
          >
            <MessageView message={messages[item.index]} busy={busy} onDecide={onDecide} onRetry={onRetry} />
          </div>
        ))}
      </div>
    </div>
  );
}
