/** The shell: sign-in until there is a session, then the header and the chat or admin pages. */
import { lazy, Suspense, useState } from 'react';
import { LanguageSwitcher } from './components/language-switcher';
import { useAuth } from './hooks/use-auth';
import { useConversations } from './hooks/use-conversations';
import { useI18n } from './i18n';
import { navigate, parseRoute, usePathname } from './lib/router';
import type { Me } from './lib/types';
import { ChatPage } from './pages/chat-page';
import { LoginPage } from './pages/login-page';

// Administration, with its charting library, is a separate chunk: agents never download it.
const AdminPage = lazy(() => import('./pages/admin-page'));

export function App() {
  const { t } = useI18n();
  const auth = useAuth();

  if (auth.status === 'loading') {
    return (
      <p className="muted center" role="status">
        {t('common.loading')}
      </p>
    );
  }
  if (auth.status === 'signed_out' || !auth.me) {
    return <LoginPage config={auth.config} ssoError={auth.ssoError} onLogin={auth.login} onSso={auth.loginWithSso} />;
  }
  return <SignedIn me={auth.me} onLogout={auth.logout} />;
}

function SignedIn({ me, onLogout }: { me: Me; onLogout: () => void }) {
  const { t } = useI18n();
  const route = parseRoute(usePathname());
  const conversations = useConversations();
  const [sidebarOpen, setSidebarOpen] = useState(false);
  const isAdmin = me.roles.includes('ADMIN');
  const canAudit = isAdmin || me.roles.includes('AUDITOR');

  return (
    <div className="app">
      <header className="topbar">
        <button
          type="button"
          className="icon menu"
          aria-label={t('nav.menu')}
          aria-expanded={sidebarOpen}
          onClick={() => setSidebarOpen((open) => !open)}
        >
          ☰
        </button>
        <a
          href="/"
          className="brand"
          onClick={(e) => {
            e.preventDefault();
            navigate('/');
          }}
        >
          {t('app.name')}
        </a>
        <nav className="topnav" aria-label={t('nav.main')}>
          <a
            href="/"
            aria-current={route.page === 'chat' ? 'page' : undefined}
            onClick={(e) => {
              e.preventDefault();
              navigate('/');
            }}
          >
            {t('nav.chat')}
          </a>
          {canAudit && (
            <a
              href="/admin"
              data-testid="admin-nav"
              aria-current={route.page === 'admin' ? 'page' : undefined}
              onClick={(e) => {
                e.preventDefault();
                navigate(isAdmin ? '/admin/users' : '/admin/audit');
              }}
            >
              {t('nav.admin')}
            </a>
          )}
        </nav>
        <span className="spacer" />
        <LanguageSwitcher />
        <span className="who muted" data-testid="current-user">
          {me.display_name || me.username}
        </span>
        <button type="button" className="ghost" onClick={onLogout} data-testid="sign-out">
          {t('nav.sign_out')}
        </button>
      </header>
      {route.page === 'admin' && canAudit ? (
        <Suspense fallback={<p className="muted center">{t('common.loading')}</p>}>
          <AdminPage section={route.section} me={me} />
        </Suspense>
      ) : (
        <ChatPage
          conversationId={route.page === 'chat' ? route.conversationId : null}
          conversations={conversations}
          sidebarOpen={sidebarOpen}
          onCloseSidebar={() => setSidebarOpen(false)}
        />
      )}
    </div>
  );
}
