/** The console's main screen: conversations on the side, the chosen one's transcript and composer. */
import { useCallback, useEffect, useState } from 'react';
import { ConversationList } from '../components/chat/conversation-list';
import { Transcript } from '../components/chat/conversation';
import { copyText } from '../components/chat/message';
import { DemoBadge, ModelPicker } from '../components/chat/model-picker';
import { PromptInput } from '../components/chat/prompt-input';
import { ErrorBanner } from '../components/error-banner';
import { useChat } from '../hooks/use-chat';
import type { useConversations } from '../hooks/use-conversations';
import { useModels } from '../hooks/use-models';
import { useShortcuts } from '../hooks/use-shortcuts';
import { useI18n } from '../i18n';
import { navigate } from '../lib/router';
import type { Conversation } from '../lib/types';

export interface ChatPageProps {
  conversationId: string | null;
  conversations: ReturnType<typeof useConversations>;
  sidebarOpen: boolean;
  onCloseSidebar: () => void;
}

export function ChatPage({ conversationId, conversations, sidebarOpen, onCloseSidebar }: ChatPageProps) {
  const { t } = useI18n();
  const models = useModels();
  const [model, setModel] = useState('');
  const [draft, setDraft] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const { touch } = conversations;

  useEffect(() => {
    if (!model && models.length > 0) setModel(models[0].id);
  }, [models, model]);

  const onCreated = useCallback(
    (conversation: Conversation) => {
      touch(conversation);
      navigate(`/c/${conversation.id}`);
    },
    [touch],
  );
  const chat = useChat(conversationId, { onCreated });
  const current = conversations.items.find((c) => c.id === conversationId);

  const lastAnswer = [...chat.messages].reverse().find((m) => m.role === 'assistant' && m.content);
  useShortcuts({
    onStop: chat.busy ? chat.stop : undefined,
    onCopyLast: async () => {
      if (lastAnswer && (await copyText(lastAnswer.content))) {
        setNotice(t('chat.copied'));
        window.setTimeout(() => setNotice(null), 2000);
      }
    },
  });

  async function send() {
    const text = draft;
    setDraft('');
    const accepted = await chat.send(text, conversationId ? undefined : model);
    if (!accepted) setDraft((now) => now || text);
  }

  return (
    <div className="chat-layout">
      <aside className={`sidebar ${sidebarOpen ? 'open' : ''}`}>
        <button
          type="button"
          className="new-conversation"
          data-testid="new-conversation"
          onClick={() => {
            navigate('/');
            onCloseSidebar();
          }}
        >
          {t('conversations.new')}
        </button>
        <ConversationList
          conversations={conversations}
          activeId={conversationId}
          onOpen={(id) => {
            navigate(`/c/${id}`);
            onCloseSidebar();
          }}
          onDeleted={(id) => id === conversationId && navigate('/')}
        />
      </aside>
      <section className="chat-pane" aria-label={t('chat.pane')}>
        <header className="chat-header">
          <h2>{conversationId ? current?.title || t('conversations.untitled') : t('conversations.new')}</h2>
          {current && (
            <span className="muted model-name">
              {current.model} <DemoBadge model={models.find((m) => m.id === current.model)} />
            </span>
          )}
        </header>
        {chat.error && <ErrorBanner error={chat.error} onDismiss={chat.clearError} onRetry={chat.error.retryable ? send : undefined} />}
        {notice && (
          <div className="toast" role="status">
            {notice}
          </div>
        )}
        {!conversationId && chat.messages.length === 0 ? (
          <div className="empty-chat">
            <p>{t('chat.start')}</p>
            {models.length > 0 && <ModelPicker models={models} value={model} onChange={setModel} />}
          </div>
        ) : chat.loading ? (
          <p className="muted center">{t('common.loading')}</p>
        ) : (
          <Transcript messages={chat.messages} busy={chat.busy} onDecide={chat.decide} onRetry={chat.retry} />
        )}
        <PromptInput value={draft} onChange={setDraft} onSend={send} onStop={chat.stop} busy={chat.busy} />
        <p className="hint muted">{t('chat.hint')}</p>
      </section>
    </div>
  );
}
