// 政务公开: the township's notices, and publishing one for the township or one
// of its villages, typed in either script or both (the server converts the one left empty).

import { useState } from 'preact/hooks';

import { Feedback, useAction } from '../action.jsx';
import { useApp } from '../context.js';
import { useApi } from '../data.js';
import { LoadState, ScreenTitle, formatDate } from '../ui.jsx';
import { Bilingual } from './common.jsx';

export function NoticesScreen() {
  const { t, locale, session } = useApp();
  const scope = scopeOf(session.user);
  const notices = useApi(scope ? `/notices?region=${scope.code}` : '/notices');
  return (
    <section class="screen" aria-labelledby="screen-title">
      <p><a href="#/desk/manage">{t('ui.desk.manage.back')}</a></p>
      <ScreenTitle>{t('ui.desk.notices.title')}</ScreenTitle>
      {scope && <NoticeForm scope={scope} onDone={notices.reload} />}
      <h2>{t('ui.desk.notices.published')}</h2>
      <LoadState state={notices} />
      {notices.data && (notices.data.items.length ? (
        <ul class="list">
          {notices.data.items.map((notice) => (
            <li key={notice.id} class="card">
              <h3 class="card-title">{notice.title}</h3>
              <p class="meta">{notice.region.name} · {formatDate(notice.published_at, locale)}</p>
              <p class="notice-body">{notice.body}</p>
            </li>
          ))}
        </ul>
      ) : <p>{t('ui.desk.notices.empty')}</p>)}
    </section>
  );
}

/** Staff post for their township (or a village of it); an admin for any township of the county. */
function scopeOf(user) {
  const code = user.region ? user.region.code : '';
  if (code.length >= 9) return { code: code.slice(0, 9), township: true };
  return code ? { code, township: false } : null;
}

function NoticeForm({ scope, onDone }) {
  const { t, api } = useApp();
  const below = useApi(`/regions?parent=${scope.code}`);
  const [region, setRegion] = useState(scope.township ? scope.code : '');
  const [fields, setFields] = useState({ title_hans: '', body_hans: '', title_hant: '', body_hant: '' });
  const { busy, error, done, run, fail } = useAction({ offline: t('ui.common.network_error') });
  const set = (name) => (event) => setFields({ ...fields, [name]: event.currentTarget.value });
  async function onSubmit(event) {
    event.preventDefault();
    const typed = Object.fromEntries(Object.entries(fields).map(([name, value]) => [name, value.trim()]).filter(([, value]) => value));
    if (!region || !(typed.title_hans || typed.title_hant) || !(typed.body_hans || typed.body_hant)) {
      fail(t('ui.desk.notices.required'));
      return;
    }
    const body = { region, ...typed };
    if (await run(() => api('/notices', { method: 'POST', body }), t('ui.desk.notices.done'))) {
      setFields({ title_hans: '', body_hans: '', title_hant: '', body_hant: '' });
      onDone();
    }
  }
  return (
    <form class="form card" onSubmit={onSubmit} noValidate aria-labelledby="notice-form-title">
      <h2 id="notice-form-title">{t('ui.desk.notices.new')}</h2>
      <div class="field">
        <label for="notice-region">{t('ui.desk.notices.region')}</label>
        <select id="notice-region" class="input" value={region} onChange={(e) => setRegion(e.currentTarget.value)}>
          {scope.township ? <option value={scope.code}>{t('ui.desk.notices.whole_township')}</option> : <option value="">{t('ui.region.choose')}</option>}
          {below.data && below.data.items.map((place) => <option key={place.code} value={place.code}>{place.name}</option>)}
        </select>
      </div>
      <p class="meta">{t('ui.desk.notices.script_hint')}</p>
      <Bilingual>
        {(script) => (
          <>
            <div class="field">
              <label for={`notice-title-${script}`}>{t('ui.desk.notices.field_title')}</label>
              <input id={`notice-title-${script}`} class="input" maxLength={200} value={fields[`title_${script}`]} onInput={set(`title_${script}`)} />
            </div>
            <div class="field">
              <label for={`notice-body-${script}`}>{t('ui.desk.notices.field_body')}</label>
              <textarea id={`notice-body-${script}`} class="input textarea" rows={4} maxLength={20000} value={fields[`body_${script}`]} onInput={set(`body_${script}`)} />
            </div>
          </>
        )}
      </Bilingual>
      <Feedback error={error} />
      <Feedback done={done} />
      <button type="submit" class="button button-primary" disabled={busy}>{t('ui.desk.notices.publish')}</button>
    </form>
  );
}
