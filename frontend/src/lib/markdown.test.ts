import { describe, expect, it } from 'vitest';
import { render } from '@testing-library/react';
import { createElement } from 'react';
import { Markdown } from '../components/chat/markdown';
import { renderMarkdown } from './markdown';

const PAYLOADS = [
  '<script>window.__pwned = 1</script>',
  '<img src=x onerror="window.__pwned = 1">',
  '[click](javascript:window.__pwned=1)',
  '<a href="javascript:alert(1)">x</a>',
  '<svg><script>alert(1)</script></svg>',
  '<iframe src="https://evil.example"></iframe>',
  '<div style="background:url(javascript:alert(1))" onclick="alert(1)">x</div>',
];

describe('Markdown sanitisation', () => {
  it.each(PAYLOADS)('removes the active content of %s', (payload) => {
    const html = renderMarkdown(`Hello\n\n${payload}\n\n**bold**`);
    expect(html).not.toMatch(/<script|onerror|onclick|javascript:|<iframe|style=/i);
    expect(html).toContain('<strong>bold</strong>');
  });

  it('never puts a script or handler into the DOM', () => {
    const { container } = render(
      createElement(Markdown, { source: PAYLOADS.join('\n\n') + '\n\n```js\nconst a = "<b>";\n```', settled: false }),
    );
    expect(container.querySelector('script, iframe, [onerror], [onclick], [style]')).toBeNull();
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();
    expect(container.querySelector('pre code')?.textContent).toContain('const a = "<b>";');
  });

  it('opens links in a new tab without opener', () => {
    const html = renderMarkdown('[docs](https://example.com)');
    expect(html).toContain('target="_blank"');
    expect(html).toContain('rel="noopener noreferrer"');
  });
});
