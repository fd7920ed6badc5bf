/**
 * The sidebar's conversations: newest first, more loaded as the end scrolls into view, a
 * title search, and rename and delete (after a confirmation) per item.
 */
import { useEffect, useRef, useState } from 'react';
import type { useConversations } from '../../hooks/use-conversations';
import { useI18n } from '../../i18n';
import type { Conversation } from '../../lib/types';
import { ConfirmDialog } from '../confirm-dialog';

type Conversations = ReturnType<typeof useConversations>;

export interface ConversationListProps {
  conversations: Conversations;
  activeId: string | null;
  onOpen: (id: string) => void;
  onDeleted: (id: string) => void;
}

export function ConversationList({ conversations, activeId, onOpen, onDeleted }: ConversationListProps) {
  const { t } = useI18n();
  const { items, loading, hasMore, query, setQuery, loadMore, rename, remove } = conversations;
  const sentinel = useRef<HTMLLIElement>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<Conversation | null>(null);

  useEffect(() => {
    const el = sentinel.current;
    if (!el || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && loadMore());
    observer.observe(el);
    return () => observer.disconnect();
  }, [loadMore]);

  return (
    <nav className="conversations" aria-label={t('conversations.title')}>
      <input
        type="search"
        className="search"
        value={query}
        placeholder={t('conversations.search')}
        aria-label={t('conversations.search')}
        data-testid="conversation-search"
        onChange={(e) => setQuery(e.target.value)}
      />
      <ul role="list" data-testid="conversation-list">
        {items.map((c) => (
          <li
            key={c.id}
            className={c.id === activeId ? 'active' : undefined}
            data-testid="conversation-item"
            data-conversation-id={c.id}
          >
            {editing === c.id ? (
              <RenameForm
                initial={c.title ?? ''}
                onSave={async (title) => {
                  await rename(c.id, title);
                  setEditing(null);
                }}
                onCancel={() => setEditing(null)}
              />
            ) : (
              <>
                <a
                  href={`/c/${c.id}`}
                  aria-current={c.id === activeId ? 'page' : undefined}
                  onClick={(e) => {
                    e.preventDefault();
                    onOpen(c.id);
                  }}
                >
                  {c.title || t('conversations.untitled')}
                </a>
                <span className="item-actions">
                  <button
                    type="button"
                    className="icon"
                    aria-label={t('conversations.rename')}
                    title={t('conversations.rename')}
                    data-testid="conversation-rename"
                    onClick={() => setEditing(c.id)}
                  >
                    ✎
                  </button>
                  <button
                    type="button"
                    className="icon"
                    aria-label={t('conversations.delete')}
                    title={t('conversations.delete')}
                    data-testid="conversation-delete"
                    onClick={() => setDeleting(c)}
                  >
                    🗑
                  </button>
                </span>
              </>
            )}
          </li>
        ))}
        {hasMore && (
          <li ref={sentinel} className="sentinel">
            <button type="button" className="ghost" onClick={loadMore} disabled={loading}>
              {loading ? t('common.loading') : t('conversations.more')}
            </button>
          </li>
        )}
        {!loading && items.length === 0 && <li className="muted">{t(query ? 'conversations.no_match' : 'conversations.empty')}</li>}
      </ul>
      {deleting && (
        <ConfirmDialog
          message={t('conversations.delete_confirm', { title: deleting.title || t('conversations.untitled') })}
          confirmLabel={t('conversations.delete')}
          onCancel={() => setDeleting(null)}
          onConfirm={async () => {
            const id = deleting.id;
            setDeleting(null);
            await remove(id);
            onDeleted(id);
          }}
        />
      )}
    </nav>
  );
}

function RenameForm({ initial, onSave, onCancel }: { initial: string; onSave: (title: string) => void; onCancel: () => void }) {
  const { t } = useI18n();
  const [title, setTitle] = useState(initial);
  return (
    <form
      className="rename"
      onSubmit={(e) => {
        e.preventDefault();
        if (title.trim()) onSave(title.trim());
      }}
    >
      <input
        autoFocus
        value={title}
        maxLength={500}
        aria-label={t('conversations.new_title')}
        data-testid="conversation-rename-input"
        onChange={(e) => setTitle(e.target.value)}
        onKeyDown={(e) => e.key === 'Escape' && (e.stopPropagation(), onCancel())}
      />
      <button type="submit" data-testid="conversation-rename-save">
        {t('action.save')}
      </button>
    </form>
  );
}
