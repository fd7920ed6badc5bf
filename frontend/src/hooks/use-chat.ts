/**
 * One conversation's transcript and its turns: loads the history, sends a message and reads
 * the answer's stream into the chat store, stops it (aborting the fetch makes the server
 * cancel the generation), and decides tool calls that wait for approval.
 */
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { api, stream } from '../lib/api';
import { chatReducer, initialChatState, transcriptFromHistory } from '../lib/chat-store';
import type { ApiError } from '../lib/errors';
import type { Conversation, ConversationWithMessages, Message, ToolCallRecord } from '../lib/types';

const HISTORY_PAGE = 100;

async function loadHistory(id: string, signal: AbortSignal): Promise<Message[]> {
  const messages: Message[] = [];
  let cursor: string | null = null;
  do {
    const params = new URLSearchParams({ limit: String(HISTORY_PAGE) });
    if (cursor) params.set('cursor', cursor);
    const page: ConversationWithMessages = await api.get(`/api/v1/conversations/${id}?${params}`, signal);
    messages.push(...page.messages);
    cursor = page.next_cursor;
  } while (cursor);
  return messages;
}

function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

export interface UseChatOptions {
  /** Called when the first message of a new conversation created it. */
  onCreated: (conversation: Conversation) => void;
}

export function useChat(conversationId: string | null, { onCreated }: UseChatOptions) {
  const [state, dispatch] = useReducer(chatReducer, initialChatState);
  const [busy, setBusy] = useState(false);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const controller = useRef<AbortController | null>(null);
  // The conversation this hook just created: its history is what the hook already shows.
  const createdHere = useRef<string | null>(null);

  useEffect(() => {
    if (conversationId && conversationId === createdHere.current) return;
    createdHere.current = null;
    controller.current?.abort();
    setError(null);
    if (!conversationId) {
      dispatch({ type: 'loaded', messages: [] });
      return;
    }
    const abort = new AbortController();
    setLoading(true);
    Promise.all([
      loadHistory(conversationId, abort.signal),
      api
        .get<{ data: ToolCallRecord[] }>(`/api/v1/conversations/${conversationId}/tool-calls`, abort.signal)
        .then((list) => list.data)
        .catch(() => [] as ToolCallRecord[]),
    ])
      .then(([messages, calls]) => dispatch({ type: 'loaded', messages: transcriptFromHistory(messages, calls) }))
      .catch((e: unknown) => {
        if (!isAbort(e)) setError(e as ApiError);
      })
      .finally(() => {
        if (!abort.signal.aborted) setLoading(false);
      });
    return () => abort.abort();
  }, [conversationId]);

  /** Runs one streamed request into the store; `started` tells refusals from failures mid-stream. */
  const runStream = useCallback(async (path: string, body: unknown, onRefused: () => void) => {
    const abort = new AbortController();
    controller.current = abort;
    setBusy(true);
    setError(null);
    let started = false;
    try {
      await stream(
        path,
        body,
        (event) => {
          if (event.event === 'message.created' || event.event === 'tool_call') started = true;
          dispatch({ type: 'event', event: event.event, data: event.data });
        },
        abort.signal,
      );
      // A stream that ended without message.completed or error was cut by the network.
      dispatch({ type: 'stopped' });
    } catch (e) {
      if (isAbort(e)) dispatch({ type: 'stopped' });
      else if (!started) {
        onRefused();
        setError(e as ApiError);
      } else dispatch({ type: 'stream_failed', error: e as ApiError });
    } finally {
      if (controller.current === abort) controller.current = null;
      setBusy(false);
    }
  }, []);

  /** Sends a message; resolves false when it was refused (the draft should be kept). */
  const send = useCallback(
    async (content: string, model?: string): Promise<boolean> => {
      if (busy) return false;
      let id = conversationId;
      if (!id) {
        try {
          const created = await api.post<Conversation>('/api/v1/conversations', {
            title: content.slice(0, 80),
            ...(model ? { model } : {}),
          });
          createdHere.current = created.id;
          id = created.id;
          onCreated(created);
        } catch (e) {
          setError(e as ApiError);
          return false;
        }
      }
      const localId = `local-${Date.now()}`;
      dispatch({ type: 'sent', localId, content });
      let refused = false;
      await runStream(`/api/v1/conversations/${id}/messages`, { content }, () => {
        refused = true;
        dispatch({ type: 'refused', localId });
      });
      return !refused;
    },
    [busy, conversationId, onCreated, runStream],
  );

  const stop = useCallback(() => controller.current?.abort(), []);

  /** Approves (optionally with edited arguments) or rejects a waiting tool call; the turn continues in the stream. */
  const decide = useCallback(
    (callId: string, decision: 'approve' | 'reject', args?: unknown) =>
      runStream(
        `/api/v1/tool-calls/${callId}/${decision}`,
        decision === 'approve' && args !== undefined ? { arguments: args } : undefined,
        () => {},
      ),
    [runStream],
  );

  /** Sends the last user message again, after a failed answer. */
  const retry = useCallback(() => {
    const lastUser = [...state.messages].reverse().find((m) => m.role === 'user');
    if (lastUser) return send(lastUser.content);
    return Promise.resolve(false);
  }, [state.messages, send]);

  return {
    messages: state.messages,
    busy,
    loading,
    error,
    clearError: () => setError(null),
    send,
    stop,
    decide,
    retry,
  };
}
