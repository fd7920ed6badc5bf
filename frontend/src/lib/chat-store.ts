/**
 * The chat pane's state as a pure reducer: history loaded, a turn sent, the stream's events
 * (message.created, delta, tool_call, message.completed, error), a stop. Keeping it pure lets
 * tests feed it events without a server, and keeps the streaming hook thin.
 */
import type { ApiError } from './errors';
import { fromEnvelope } from './errors';
import type {
  DeltaEvent,
  Message,
  MessageCreatedEvent,
  ToolCallEvent,
  ToolCallRecord,
} from './types';

export type ChatStatus = 'streaming' | 'complete' | 'partial' | 'failed';

export interface ChatMessage {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  status: ChatStatus;
  toolCalls: ToolCallEvent[];
  model?: string | null;
  completionTokens?: number | null;
  latencyMs?: number | null;
  ttftMs?: number | null;
  finishReason?: string | null;
  error?: ApiError;
}

export interface ChatState {
  messages: ChatMessage[];
  /** The answer the running turn writes into; null when no turn runs. */
  activeAnswerId: string | null;
  /** The id the optimistic user message has until the server names it. */
  pendingUserId: string | null;
}

export const initialChatState: ChatState = { messages: [], activeAnswerId: null, pendingUserId: null };

export type ChatAction =
  | { type: 'loaded'; messages: ChatMessage[] }
  | { type: 'sent'; localId: string; content: string }
  | { type: 'refused'; localId: string }
  | { type: 'event'; event: string; data: unknown }
  | { type: 'stopped' }
  | { type: 'stream_failed'; error: ApiError };

function fromStored(message: Message, toolCalls: ToolCallEvent[] = []): ChatMessage {
  return {
    id: message.id,
    role: message.role === 'user' ? 'user' : 'assistant',
    content: message.content,
    status: message.status,
    toolCalls,
    model: message.model,
    completionTokens: message.completion_tokens,
    latencyMs: message.latency_ms,
    ttftMs: message.ttft_ms,
    finishReason: message.finish_reason,
  };
}

function updateMessage(state: ChatState, id: string, update: (m: ChatMessage) => ChatMessage): ChatState {
  return { ...state, messages: state.messages.map((m) => (m.id === id ? update(m) : m)) };
}

function upsertToolCall(calls: ToolCallEvent[], call: ToolCallEvent): ToolCallEvent[] {
  return calls.some((c) => c.id === call.id) ? calls.map((c) => (c.id === call.id ? call : c)) : [...calls, call];
}

function onToolCall(state: ChatState, call: ToolCallEvent): ChatState {
  // A decision (approve/reject) re-sends a call the transcript already shows: update it in place.
  const holder = state.messages.find((m) => m.toolCalls.some((c) => c.id === call.id));
  const target = holder?.id ?? state.activeAnswerId;
  if (!target) return state;
  return updateMessage(state, target, (m) => ({ ...m, toolCalls: upsertToolCall(m.toolCalls, call) }));
}

function onEvent(state: ChatState, event: string, data: unknown): ChatState {
  switch (event) {
    case 'message.created': {
      const created = data as MessageCreatedEvent;
      let messages = state.messages;
      if (created.user_message) {
        const user = fromStored(created.user_message);
        messages = state.pendingUserId
          ? messages.map((m) => (m.id === state.pendingUserId ? user : m))
          : [...messages, user];
      }
      if (!messages.some((m) => m.id === created.assistant_message_id)) {
        messages = [
          ...messages,
          { id: created.assistant_message_id, role: 'assistant', content: '', status: 'streaming', toolCalls: [] },
        ];
      }
      return { messages, activeAnswerId: created.assistant_message_id, pendingUserId: null };
    }
    case 'delta': {
      const delta = data as DeltaEvent;
      return updateMessage(state, delta.message_id, (m) => ({ ...m, content: m.content + delta.text }));
    }
    case 'tool_call':
      return onToolCall(state, data as ToolCallEvent);
    case 'message.completed': {
      const stored = data as Message;
      const id = state.messages.some((m) => m.id === stored.id) ? stored.id : state.activeAnswerId;
      if (!id) return state;
      const next = updateMessage(state, id, (m) => ({ ...fromStored(stored, m.toolCalls), toolCalls: m.toolCalls }));
      return { ...next, activeAnswerId: null };
    }
    case 'error': {
      const error = fromEnvelope(data, 0);
      if (!state.activeAnswerId) return state;
      const next = updateMessage(state, state.activeAnswerId, (m) => ({ ...m, status: 'failed', error }));
      return { ...next, activeAnswerId: null };
    }
    default:
      return state;
  }
}

export function chatReducer(state: ChatState, action: ChatAction): ChatState {
  switch (action.type) {
    case 'loaded':
      return { messages: action.messages, activeAnswerId: null, pendingUserId: null };
    case 'sent':
      return {
        ...state,
        pendingUserId: action.localId,
        messages: [
          ...state.messages,
          { id: action.localId, role: 'user', content: action.content, status: 'complete', toolCalls: [] },
        ],
      };
    case 'refused':
      // A refused turn stores nothing on the server; the transcript should not pretend otherwise.
      return {
        ...state,
        pendingUserId: null,
        messages: state.messages.filter((m) => m.id !== action.localId),
      };
    case 'event':
      return onEvent(state, action.event, action.data);
    case 'stopped': {
      if (!state.activeAnswerId) return state;
      const next = updateMessage(state, state.activeAnswerId, (m) => ({ ...m, status: 'partial' }));
      return { ...next, activeAnswerId: null };
    }
    case 'stream_failed': {
      if (!state.activeAnswerId) return state;
      const next = updateMessage(state, state.activeAnswerId, (m) => ({ ...m, status: 'failed', error: action.error }));
      return { ...next, activeAnswerId: null };
    }
  }
}

/** A tool call from the audit list, in the shape the stream uses. */
export function toolCallFromRecord(record: ToolCallRecord): ToolCallEvent {
  return {
    id: record.id,
    tool_call_id: record.tool_call_id,
    name: record.tool,
    arguments: record.arguments,
    status: record.status,
    result: record.result,
    expires_at: record.expires_at,
  };
}

/**
 * Turns a stored conversation into the transcript: system and tool messages are not shown as
 * bubbles; an assistant message's calls become cards, opened from the conversation's
 * tool-call list where it has them.
 */
export function transcriptFromHistory(messages: Message[], records: ToolCallRecord[]): ChatMessage[] {
  const byCallId = new Map(records.map((r) => [r.tool_call_id, toolCallFromRecord(r)]));
  const toolResults = new Map(
    messages.filter((m) => m.role === 'tool' && m.tool_call_id).map((m) => [m.tool_call_id!, m.content]),
  );
  return messages
    .filter((m) => m.role === 'user' || m.role === 'assistant')
    .map((m) =>
      fromStored(
        m,
        (m.tool_calls ?? []).map(
          (call): ToolCallEvent =>
            byCallId.get(call.id) ?? {
              id: call.id,
              tool_call_id: call.id,
              name: call.name,
              arguments: parseJson(call.arguments),
              status: 'unknown',
              result: toolResults.has(call.id) ? parseJson(toolResults.get(call.id)!) : null,
              expires_at: null,
            },
        ),
      ),
    );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Articles a knowledge_base_search call returned: `result.result.articles[]` of the envelope the model saw. */
export interface Citation {
  id: string;
  title: string;
}

export function citationsOf(calls: ToolCallEvent[]): Citation[] {
  const seen = new Map<string, Citation>();
  for (const call of calls) {
    if (call.name !== 'knowledge_base_search') continue;
    const envelope = (typeof call.result === 'string' ? parseJson(call.result) : call.result) as
      | { result?: { articles?: { id?: unknown; title?: unknown }[] } }
      | null;
    for (const article of envelope?.result?.articles ?? []) {
      if (typeof article.id === 'string' && typeof article.title === 'string' && !seen.has(article.id)) {
        seen.set(article.id, { id: article.id, title: article.title });
      }
    }
  }
  return [...seen.values()];
}
