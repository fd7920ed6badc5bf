import { useEffect, type RefObject } from 'react';

/** Highlights the code blocks under ref once they exist, loading highlight.js on first need. */
export function useHighlight(ref: RefObject<HTMLElement | null>, html: string, enabled: boolean): void {
  useEffect(() => {
    const root = ref.current;
    if (!enabled || !root || !root.querySelector('pre code')) return;
    let cancelled = false;
    import('../lib/highlight').then(({ highlightAll }) => {
      if (!cancelled && ref.current) highlightAll(ref.current);
    });
    return () => {
      cancelled = true;
    };
  }, [ref, html, enabled]);
}
