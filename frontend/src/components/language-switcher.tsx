import { LOCALES, useI18n, type Locale } from '../i18n';

export function LanguageSwitcher() {
  const { t, locale, setLocale } = useI18n();
  return (
    <label className="language">
      <span className="sr-only">{t('language.label')}</span>
      <select
        data-testid="language-switcher"
        aria-label={t('language.label')}
        value={locale}
        onChange={(e) => setLocale(e.target.value as Locale)}
      >
        {LOCALES.map((l) => (
          <option key={l} value={l}>
            {t(l === 'en' ? 'language.en' : 'language.zh-CN')}
          </option>
        ))}
      </select>
    </label>
  );
}
