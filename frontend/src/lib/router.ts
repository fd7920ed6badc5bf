/**
 * A minimal History-API router: three kinds of page do not need a routing library. The server
 * answers index.html for client routes, so deep links and reloads work.
 */
import { useSyncExternalStore } from 'react';

export type Route =
  | { page: 'chat'; conversationId: string | null }
  | { page: 'admin'; section: string };

export function parseRoute(pathname: string): Route {
  const conversation = /^\/c\/([^/]+)\/?$/.exec(pathname);
  if (conversation) return { page: 'chat', conversationId: decodeURIComponent(conversation[1]) };
  const admin = /^\/admin(?:\/([^/]+))?\/?$/.exec(pathname);
  if (admin) return { page: 'admin', section: admin[1] ?? 'users' };
  return { page: 'chat', conversationId: null };
}

const CHANGE = 'enclave:navigate';

export function navigate(path: string, replace = false): void {
  if (path === window.location.pathname) return;
  if (replace) window.history.replaceState(null, '', path);
  else window.history.pushState(null, '', path);
  window.dispatchEvent(new Event(CHANGE));
}

function subscribe(callback: () => void) {
  window.addEventListener('popstate', callback);
  window.addEventListener(CHANGE, callback);
  return () => {
    window.removeEventListener('popstate', callback);
    window.removeEventListener(CHANGE, callback);
  };
}

export function usePathname(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname);
}
