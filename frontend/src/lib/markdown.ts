/**
 * Model output as HTML: Markdown rendered by marked, then sanitised by DOMPurify before it
 * reaches the DOM. Model output is untrusted (a prompt injection can make it write anything),
 * so no script, event handler or javascript: URL may survive.
 */
import DOMPurify from 'dompurify';
import { Marked } from 'marked';

const marked = new Marked({ gfm: true, breaks: true, async: false });

let hooked = false;

function installHooks() {
  if (hooked) return;
  hooked = true;
  // Links open in a new tab and cannot reach back into the console through window.opener.
  DOMPurify.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName === 'A') {
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer');
    }
  });
}

export function renderMarkdown(source: string): string {
  installHooks();
  const html = marked.parse(source) as string;
  return DOMPurify.sanitize(html, {
    USE_PROFILES: { html: true },
    FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'iframe', 'object', 'embed'],
    FORBID_ATTR: ['style'],
  });
}
