import { memo, useMemo, useRef } from 'react';
import { useHighlight } from '../../hooks/use-highlight';
import { renderMarkdown } from '../../lib/markdown';

/** Sanitised Markdown (see lib/markdown.ts); code is highlighted once the text stops changing. */
export const Markdown = memo(function Markdown({ source, settled }: { source: string; settled: boolean }) {
  const ref = useRef<HTMLDivElement>(null);
  const html = useMemo(() => renderMarkdown(source), [source]);
  useHighlight(ref, html, settled);
  // html is DOMPurify's output: no script, handler or javascript: URL survives it.
  return <div ref={ref} className="markdown" dangerouslySetInnerHTML={{ __html: html }} />;
});
