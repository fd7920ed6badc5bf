import { describe, expect, it } from 'vitest';
import { chatReducer, citationsOf, initialChatState, transcriptFromHistory, type ChatState } from './chat-store';
import type { Message, ToolCallEvent } from './types';

const stored = (over: Partial<Message>): Message => ({
  id: 'x',
  seq: 1,
  role: 'assistant',
  content: '',
  status: 'complete',
  created_at: '2026-01-01T00:00:00Z',
  ...over,
});

function run(state: ChatState, ...events: [string, unknown][]): ChatState {
  return events.reduce((s, [event, data]) => chatReducer(s, { type: 'event', event, data }), state);
}

const kbCall: ToolCallEvent = {
  id: 'inv-1',
  tool_call_id: 'call_1',
  name: 'knowledge_base_search',
  arguments: { query: '退款' },
  status: 'succeeded',
  result: { source: 'tool:knowledge_base_search', result: { articles: [{ id: 'a1', title: '退款政策', excerpt: '…' }] } },
  expires_at: null,
};

describe('chat store', () => {
  const sent = chatReducer(initialChatState, { type: 'sent', localId: 'local-1', content: 'Where is my refund?' });
  const created = run(sent, [
    'message.created',
    { conversation_id: 'c', user_message: stored({ id: 'u1', role: 'user', content: 'Where is my refund?' }), assistant_message_id: 'a1' },
  ]);

  it('replaces the optimistic message and opens a streaming answer', () => {
    expect(created.messages.map((m) => [m.id, m.status])).toEqual([
      ['u1', 'complete'],
      ['a1', 'streaming'],
    ]);
    expect(created.activeAnswerId).toBe('a1');
  });

  it('appends deltas token by token', () => {
    const state = run(created, ['delta', { message_id: 'a1', text: 'Your' }], ['delta', { message_id: 'a1', text: ' refund' }]);
    expect(state.messages[1].content).toBe('Your refund');
    expect(state.messages[1].status).toBe('streaming');
  });

  it('attaches tool calls to the answer and updates them on a decision', () => {
    const waiting: ToolCallEvent = { ...kbCall, id: 'inv-2', name: 'create_ticket', status: 'awaiting_approval', result: null };
    let state = run(created, ['tool_call', kbCall], ['tool_call', waiting]);
    expect(state.messages[1].toolCalls.map((c) => c.status)).toEqual(['succeeded', 'awaiting_approval']);
    // The approve stream starts with the decided call, before any message.created.
    state = { ...state, activeAnswerId: null };
    state = run(state, ['tool_call', { ...waiting, status: 'succeeded', result: { ok: true } }]);
    expect(state.messages[1].toolCalls[1].status).toBe('succeeded');
    expect(citationsOf(state.messages[1].toolCalls)).toEqual([{ id: 'a1', title: '退款政策' }]);
  });

  it('takes the stored answer from message.completed, keeping its tool calls', () => {
    const state = run(
      created,
      ['tool_call', kbCall],
      ['delta', { message_id: 'a1', text: 'Your' }],
      ['message.completed', stored({ id: 'a1', content: 'Your refund is on its way.', completion_tokens: 20, latency_ms: 1035, ttft_ms: 35 })],
    );
    expect(state.activeAnswerId).toBeNull();
    expect(state.messages[1]).toMatchObject({ content: 'Your refund is on its way.', status: 'complete', ttftMs: 35 });
    expect(state.messages[1].toolCalls).toHaveLength(1);
  });

  it('marks the answer failed on an error event, with the envelope mapped', () => {
    const state = run(
      created,
      ['delta', { message_id: 'a1', text: 'Par' }],
      ['error', { error: { code: 'upstream_error', message: 'x', traceId: 't1' } }],
    );
    expect(state.messages[1].status).toBe('failed');
    expect(state.messages[1].content).toBe('Par');
    expect(state.messages[1].error?.messageKey).toBe('error.upstream_error');
    expect(state.messages[1].error?.traceId).toBe('t1');
    expect(state.activeAnswerId).toBeNull();
  });

  it('keeps what was written when stopped, and drops a refused turn', () => {
    const stopped = chatReducer(run(created, ['delta', { message_id: 'a1', text: 'Half' }]), { type: 'stopped' });
    expect(stopped.messages[1]).toMatchObject({ status: 'partial', content: 'Half' });
    expect(chatReducer(sent, { type: 'refused', localId: 'local-1' }).messages).toEqual([]);
  });

  it('builds a transcript from history without system and tool messages', () => {
    const transcript = transcriptFromHistory(
      [
        stored({ id: 's', role: 'system', content: 'be polite' }),
        stored({ id: 'u', role: 'user', content: 'q' }),
        stored({ id: 'a', role: 'assistant', tool_calls: [{ id: 'call_9', name: 'get_ticket', arguments: '{"ref":"T-1"}' }] }),
        stored({ id: 't', role: 'tool', content: '{"status":"open"}', tool_call_id: 'call_9' }),
        stored({ id: 'b', role: 'assistant', content: 'It is open.' }),
      ],
      [],
    );
    expect(transcript.map((m) => m.id)).toEqual(['u', 'a', 'b']);
    expect(transcript[1].toolCalls[0]).toMatchObject({ name: 'get_ticket', arguments: { ref: 'T-1' }, result: { status: 'open' } });
  });
});
