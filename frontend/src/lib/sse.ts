/**
 * A parser for text/event-stream as the HTML standard defines it, fed by fetch's
 * ReadableStream (EventSource cannot send an Authorization header, nor POST). Chunks may
 * split anywhere, even inside a line or between \r and \n.
 */

export interface SseEvent {
  /** The `event:` field; "message" when the server sent none. */
  event: string;
  /** The `data:` lines joined with \n. */
  data: string;
  id?: string;
}

export interface SseParser {
  /** Feeds decoded text; calls onEvent for each complete event. */
  push(chunk: string): void;
  /** Ends the stream: an event not terminated by a blank line is dropped, as the standard says. */
  end(): void;
}

export function createSseParser(
  onEvent: (event: SseEvent) => void,
  onComment?: (comment: string) => void,
): SseParser {
  let buffer = '';
  let eventName = '';
  let data: string[] = [];
  let id: string | undefined;
  let sawData = false;
  // A chunk ending in \r may be followed by \n in the next one: that \n belongs to the same line break.
  let skipLeadingLf = false;

  function dispatch() {
    if (sawData) {
      onEvent({ event: eventName || 'message', data: data.join('\n'), ...(id !== undefined ? { id } : {}) });
    }
    eventName = '';
    data = [];
    sawData = false;
  }

  function line(text: string) {
    if (text === '') {
      dispatch();
      return;
    }
    if (text.startsWith(':')) {
      onComment?.(text.slice(1).trimStart());
      return;
    }
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        eventName = value;
        break;
      case 'data':
        data.push(value);
        sawData = true;
        break;
      case 'id':
        if (!value.includes('\0')) id = value;
        break;
      default:
        // `retry` and unknown fields do not matter to a fetch-based reader.
        break;
    }
  }

  return {
    push(chunk: string) {
      if (skipLeadingLf && chunk.startsWith('\n')) chunk = chunk.slice(1);
      skipLeadingLf = false;
      buffer += chunk;
      let start = 0;
      for (let i = 0; i < buffer.length; i++) {
        const c = buffer[i];
        if (c === '\n' || c === '\r') {
          line(buffer.slice(start, i));
          if (c === '\r') {
            if (i + 1 < buffer.length) {
              if (buffer[i + 1] === '\n') i++;
            } else {
              skipLeadingLf = true;
            }
          }
          start = i + 1;
        }
      }
      buffer = buffer.slice(start);
    },
    end() {
      buffer = '';
      eventName = '';
      data = [];
      sawData = false;
    },
  };
}

/**
 * Reads an SSE response body to its end, calling onEvent per event. Resolves when the stream
 * ends; rejects with the AbortError when the signal that started the fetch is aborted.
 */
export async function readSse(
  body: ReadableStream<Uint8Array>,
  onEvent: (event: SseEvent) => void,
  onComment?: (comment: string) => void,
): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parser = createSseParser(onEvent, onComment);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.push(decoder.decode(value, { stream: true }));
    }
    parser.push(decoder.decode());
  } finally {
    parser.end();
    reader.releaseLock();
  }
}
