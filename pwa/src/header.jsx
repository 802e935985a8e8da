import { useApp } from './context.js';
import { LOCALES } from './i18n.js';

/** `showScript`: the 简体/繁體 row (sign-in and home; elsewhere it lives in 设置, to leave room on small screens). */
export function Header({ showScript = true }) {
  const { t, locale, setLocale, elderMode, setElderMode } = useApp();
  const chooseLocale = (next) => {
    if (next !== locale) setLocale(next).catch(reportLocaleFailure);
  };
  return (
    <>
      <a class="skip-link" href="#main" onClick={skipToMain}>{t('app.skip_to_content')}</a>
      <header class="topbar">
        <p class="brand">
          <span class="brand-name">{t('app.name')}</span>
          <span class="brand-tagline">{t('app.tagline')}</span>
        </p>
        <button
          type="button"
          class="button button-toggle button-on-brand"
          aria-pressed={String(elderMode)}
          onClick={() => setElderMode(!elderMode)}
        >
          {t('app.elder_mode')}
        </button>
      </header>
      {showScript && (
      <section class="settings" aria-label={t('app.display_settings')}>
        <div class="settings-group" role="group" aria-labelledby="script-label">
          <span id="script-label" class="settings-label">{t('app.script')}</span>
          {LOCALES.map((code) => (
            <button
              key={code}
              type="button"
              class="button button-toggle"
              aria-pressed={String(code === locale)}
              onClick={() => chooseLocale(code)}
            >
              {t(`locale.${code}`)}
            </button>
          ))}
        </div>
      </section>
      )}
    </>
  );
}

/** The hash belongs to the router, so the skip link moves focus itself. */
function skipToMain(event) {
  event.preventDefault();
  const main = document.getElementById('main');
  main.focus();
  main.scrollIntoView();
}

function reportLocaleFailure(error) {
  // Offline before the other script was ever cached: stay in the current one.
  console.warn('could not switch script', error);
}
