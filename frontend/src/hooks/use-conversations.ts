/**
 * The conversation list: newest first, paged by the server's cursor, searched by title (`q`),
 * with rename and delete applied in place.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../lib/api';
import type { ApiError } from '../lib/errors';
import type { Conversation, Page } from '../lib/types';

const PAGE_SIZE = 30;

export function useConversations() {
  const [items, setItems] = useState<Conversation[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [hasMore, setHasMore] = useState(true);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [query, setQuery] = useState('');
  // Bumped on every new query so answers to an older search are dropped.
  const generation = useRef(0);
  const inFlight = useRef(false);

  const fetchPage = useCallback(async (q: string, after: string | null, gen: number) => {
    inFlight.current = true;
    setLoading(true);
    try {
      const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
      if (after) params.set('cursor', after);
      if (q.trim()) params.set('q', q.trim());
      const page = await api.get<Page<Conversation>>(`/api/v1/conversations?${params}`);
      if (gen !== generation.current) return;
      setItems((previous) => (after ? [...previous, ...page.data] : page.data));
      setCursor(page.next_cursor);
      setHasMore(page.next_cursor != null);
      setError(null);
    } catch (e) {
      if (gen === generation.current) setError(e as ApiError);
    } finally {
      if (gen === generation.current) {
        inFlight.current = false;
        setLoading(false);
      }
    }
  }, []);

  useEffect(() => {
    const gen = ++generation.current;
    // Waits for typing to pause before searching.
    const timer = window.setTimeout(() => fetchPage(query, null, gen), query ? 300 : 0);
    return () => window.clearTimeout(timer);
  }, [query, fetchPage]);

  const loadMore = useCallback(() => {
    if (!hasMore || inFlight.current || !cursor) return;
    fetchPage(query, cursor, generation.current);
  }, [hasMore, cursor, query, fetchPage]);

  const rename = useCallback(async (id: string, title: string) => {
    const updated = await api.patch<Conversation>(`/api/v1/conversations/${id}`, { title });
    setItems((previous) => previous.map((c) => (c.id === id ? updated : c)));
  }, []);

  const remove = useCallback(async (id: string) => {
    await api.delete(`/api/v1/conversations/${id}`);
    setItems((previous) => previous.filter((c) => c.id !== id));
  }, []);

  /** Puts a conversation just created or just used at the top. */
  const touch = useCallback((conversation: Conversation) => {
    setItems((previous) => [conversation, ...previous.filter((c) => c.id !== conversation.id)]);
  }, []);

  return { items, loading, error, hasMore, query, setQuery, loadMore, rename, remove, touch };
}
