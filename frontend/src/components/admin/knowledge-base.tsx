/** Knowledge-base articles the assistant cites: list, search, add, edit, delete. */
import { useState } from 'react';
import { useResource } from '../../hooks/use-resource';
import { useI18n } from '../../i18n';
import { api } from '../../lib/api';
import type { ApiError } from '../../lib/errors';
import { formatTime } from '../../lib/format';
import { ErrorBanner } from '../error-banner';

interface Article {
  id: string;
  title: string;
  body: string;
  updated_at: string;
}

export function KnowledgeBaseAdmin() {
  const { t, locale } = useI18n();
  const [q, setQ] = useState('');
  const articles = useResource(
    () => api.get<{ data: Article[] }>(`/api/v1/kb/articles?limit=100${q ? `&q=${encodeURIComponent(q)}` : ''}`),
    [q],
  );
  const [error, setError] = useState<ApiError | null>(null);
  const [editing, setEditing] = useState<{ id: string | null; title: string; body: string } | null>(null);

  async function act(work: () => Promise<unknown>) {
    try {
      await work();
      setError(null);
      setEditing(null);
      await articles.reload();
    } catch (e) {
      setError(e as ApiError);
    }
  }

  return (
    <>
      {(error ?? articles.error) && <ErrorBanner error={(error ?? articles.error)!} onDismiss={() => setError(null)} />}
      <div className="admin-form">
        <input type="search" aria-label={t('admin.kb_search')} placeholder={t('admin.kb_search')} value={q} onChange={(e) => setQ(e.target.value)} />
        <button type="button" onClick={() => setEditing({ id: null, title: '', body: '' })}>
          {t('admin.kb_new')}
        </button>
      </div>
      {editing && (
        <form
          className="admin-form"
          onSubmit={(e) => {
            e.preventDefault();
            const body = { title: editing.title, body: editing.body };
            act(() => (editing.id ? api.put(`/api/v1/kb/articles/${editing.id}`, body) : api.post('/api/v1/kb/articles', body)));
          }}
        >
          <label>
            {t('admin.title')}
            <input required maxLength={200} value={editing.title} onChange={(e) => setEditing({ ...editing, title: e.target.value })} />
          </label>
          <label style={{ flexBasis: '100%' }}>
            {t('admin.body')}
            <textarea required rows={8} value={editing.body} onChange={(e) => setEditing({ ...editing, body: e.target.value })} />
          </label>
          <button type="submit">{t('action.save')}</button>
          <button type="button" className="ghost" onClick={() => setEditing(null)}>
            {t('action.cancel')}
          </button>
        </form>
      )}
      <table>
        <thead>
          <tr>
            <th>{t('admin.title')}</th>
            <th>{t('admin.updated')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {articles.data?.data.map((a) => (
            <tr key={a.id}>
              <td>{a.title}</td>
              <td>{formatTime(a.updated_at, locale)}</td>
              <td>
                <button type="button" className="ghost" onClick={() => setEditing({ id: a.id, title: a.title, body: a.body })}>
                  {t('admin.edit')}
                </button>{' '}
                <button type="button" className="danger" onClick={() => window.confirm(t('admin.kb_delete_confirm')) && act(() => api.delete(`/api/v1/kb/articles/${a.id}`))}>
                  {t('admin.delete')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
