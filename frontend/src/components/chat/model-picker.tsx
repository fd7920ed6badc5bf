import { isDemoModel } from '../../hooks/use-models';
import { useI18n } from '../../i18n';
import type { Model } from '../../lib/types';

/** Chooses the model of a new conversation; the untrained demo model is labelled as such. */
export function ModelPicker({ models, value, onChange }: { models: Model[]; value: string; onChange: (id: string) => void }) {
  const { t } = useI18n();
  const selected = models.find((m) => m.id === value);
  return (
    <div className="model-picker">
      <label htmlFor="model">{t('chat.model')}</label>
      <select id="model" data-testid="model-picker" value={value} onChange={(e) => onChange(e.target.value)}>
        {models.map((m) => (
          <option key={m.id} value={m.id}>
            {isDemoModel(m) ? t('chat.model_demo', { id: m.id }) : m.id}
          </option>
        ))}
      </select>
      {isDemoModel(selected) && (
        <p className="demo-note" data-testid="demo-model-note">
          {t('chat.demo_note')}
        </p>
      )}
    </div>
  );
}

/** A small tag in the chat header for a conversation whose model is the demo one. */
export function DemoBadge({ model }: { model: Model | undefined }) {
  const { t } = useI18n();
  return isDemoModel(model) ? (
    <span className="badge demo" title={model?.description} data-testid="demo-model-badge">
      {t('chat.demo_badge')}
    </span>
  ) : null;
}
