import { describe, expect, it } from 'vitest';
import { createSseParser, type SseEvent } from './sse';

function parse(chunks: string[]) {
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const parser = createSseParser((e) => events.push(e), (c) => comments.push(c));
  chunks.forEach((c) => parser.push(c));
  parser.end();
  return { events, comments };
}

describe('SSE parser', () => {
  it('reads events as Spring writes them (no space after the colon)', () => {
    const { events } = parse(['event:delta\ndata:{"message_id":"m","text":"Hi"}\n\n']);
    expect(events).toEqual([{ event: 'delta', data: '{"message_id":"m","text":"Hi"}' }]);
  });

  it('joins events split at any chunk boundary', () => {
    const whole = 'event: delta\ndata: {"text":"你好"}\n\nevent: message.completed\ndata: {"id":"a"}\n\n';
    for (let cut = 1; cut < whole.length; cut++) {
      const { events } = parse([whole.slice(0, cut), whole.slice(cut)]);
      expect(events.map((e) => e.event)).toEqual(['delta', 'message.completed']);
      expect(events[0].data).toBe('{"text":"你好"}');
    }
  });

  it('treats comments as heartbeats, not events', () => {
    const { events, comments } = parse([': keep-alive\n\n', 'event:delta\ndata:x\n\n', ':keep-alive\n\n']);
    expect(events).toHaveLength(1);
    expect(comments).toEqual(['keep-alive', 'keep-alive']);
  });

  it('joins multi-line data with newlines', () => {
    const { events } = parse(['data: line one\ndata: line two\ndata:\n\n']);
    expect(events).toEqual([{ event: 'message', data: 'line one\nline two\n' }]);
  });

  it('accepts CRLF and CR line endings, also when \\r\\n is split across chunks', () => {
    const { events } = parse(['event: delta\r', '\ndata: a\r\n\r', '\nevent: delta\rdata: b\r\r']);
    expect(events.map((e) => e.data)).toEqual(['a', 'b']);
  });

  it('drops an event the stream did not finish', () => {
    const { events } = parse(['event: delta\ndata: cut']);
    expect(events).toEqual([]);
  });
});
