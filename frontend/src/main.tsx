import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { I18nProvider } from './i18n';
import { renderMarkdown } from './lib/markdown';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nProvider>
      <App />
    </I18nProvider>
  </StrictMode>,
);

// Marked and DOMPurify set themselves up on first use, which took tens of milliseconds in the
// e2e measurement; doing it while the browser is idle keeps that off the first streamed token.
const warm = () => renderMarkdown('*warm* `up`');
if ('requestIdleCallback' in window) {
  window.requestIdleCallback(warm);
}
else {
  setTimeout(warm, 0);
}
