/** Administration: a section per task, each its own small screen (loaded with this chunk only). */
import { ApiKeysAdmin } from '../components/admin/api-keys';
import { AuditAdmin } from '../components/admin/audit';
import { KnowledgeBaseAdmin } from '../components/admin/knowledge-base';
import { ModelsAdmin } from '../components/admin/models';
import { QuotasAdmin } from '../components/admin/quotas';
import { RetentionAdmin } from '../components/admin/retention';
import { TenantsAdmin } from '../components/admin/tenants';
import { UsageAdmin } from '../components/admin/usage';
import { UsersAdmin } from '../components/admin/users';
import { useI18n } from '../i18n';
import type { MessageKey } from '../i18n/keys';
import { navigate } from '../lib/router';
import type { Me } from '../lib/types';

interface Section {
  id: string;
  label: MessageKey;
  /** Who sees it: ADMIN manages; AUDITOR reads audit and usage only. */
  auditor: boolean;
  render: () => React.ReactNode;
}

const SECTIONS: Section[] = [
  { id: 'users', label: 'admin.users', auditor: false, render: () => <UsersAdmin /> },
  { id: 'api-keys', label: 'admin.api_keys', auditor: false, render: () => <ApiKeysAdmin /> },
  { id: 'quotas', label: 'admin.quotas', auditor: false, render: () => <QuotasAdmin /> },
  { id: 'retention', label: 'admin.retention', auditor: false, render: () => <RetentionAdmin /> },
  { id: 'kb', label: 'admin.kb', auditor: false, render: () => <KnowledgeBaseAdmin /> },
  { id: 'models', label: 'admin.models', auditor: false, render: () => <ModelsAdmin /> },
  { id: 'audit', label: 'admin.audit', auditor: true, render: () => <AuditAdmin /> },
  { id: 'usage', label: 'admin.usage', auditor: true, render: () => <UsageAdmin /> },
  { id: 'tenants', label: 'admin.tenants', auditor: false, render: () => <TenantsAdmin /> },
];

export default function AdminPage({ section, me }: { section: string; me: Me }) {
  const { t } = useI18n();
  const isAdmin = me.roles.includes('ADMIN');
  const visible = SECTIONS.filter((s) => isAdmin || s.auditor);
  const current = visible.find((s) => s.id === section) ?? visible[0];
  return (
    <div className="admin">
      <nav className="admin-nav" aria-label={t('nav.admin')} data-testid="admin-sections">
        {visible.map((s) => (
          <a
            key={s.id}
            href={`/admin/${s.id}`}
            data-testid={`admin-nav-${s.id}`}
            aria-current={s.id === current.id ? 'page' : undefined}
            onClick={(e) => {
              e.preventDefault();
              navigate(`/admin/${s.id}`);
            }}
          >
            {t(s.label)}
          </a>
        ))}
      </nav>
      <main className="admin-main">
        <h2>{t(current.label)}</h2>
        {current.render()}
      </main>
    </div>
  );
}
