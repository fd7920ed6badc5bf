import { useEffect, useRef } from 'react';

export interface Shortcuts {
  /** Esc: stops the answer being generated. */
  onStop?: () => void;
  /** Ctrl/Cmd+Shift+C: copies the last answer. */
  onCopyLast?: () => void;
}

/** The chat pane's global keys; Enter and Shift+Enter belong to the composer itself. */
export function useShortcuts(shortcuts: Shortcuts): void {
  const latest = useRef(shortcuts);
  latest.current = shortcuts;
  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (event.key === 'Escape' && latest.current.onStop) {
        latest.current.onStop();
      } else if ((event.ctrlKey || event.metaKey) && event.shiftKey && event.key.toLowerCase() === 'c') {
        event.preventDefault();
        latest.current.onCopyLast?.();
      }
    }
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}
