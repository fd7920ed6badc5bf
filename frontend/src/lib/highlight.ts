/**
 * Code highlighting, loaded on demand (see useHighlight) so highlight.js stays out of the
 * initial bundle. Only common languages are registered, to keep the chunk small.
 */
import 'highlight.js/styles/github.css';
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import python from 'highlight.js/lib/languages/python';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';

hljs.registerLanguage('bash', bash);
hljs.registerLanguage('java', java);
hljs.registerLanguage('javascript', javascript);
hljs.registerLanguage('json', json);
hljs.registerLanguage('python', python);
hljs.registerLanguage('sql', sql);
hljs.registerLanguage('typescript', typescript);
hljs.registerLanguage('xml', xml);
hljs.registerLanguage('yaml', yaml);

/** Highlights every code block under root; highlight.js escapes the code it wraps. */
export function highlightAll(root: HTMLElement): void {
  root.querySelectorAll<HTMLElement>('pre code:not([data-highlighted])').forEach((block) => {
    hljs.highlightElement(block);
  });
}
