// 节假日调整: the working-day calendar's overrides for one year (GET/PUT /holidays).
// Each add or remove saves the year's whole list at once; if the server refuses,
// the list on screen stays as it was and the reason is shown. Beside it, the import
// of a year's State Council notice (POST /holidays/import): previewed, then saved;
// until a year the national calendar lacks has its notice, the screen warns.

import { useState } from 'preact/hooks';

import { Feedback, useAction } from '../action.jsx';
import { useApp } from '../context.js';
import { useApi } from '../data.js';
import { CalendarWarning, useCalendarStatus } from '../calendar-warning.jsx';
import { LoadState, ScreenTitle, formatDay } from '../ui.jsx';

function thisYear() {
  return new Date().getFullYear();
}

export function HolidaysScreen() {
  const { t, api, locale } = useApp();
  const [year, setYear] = useState(thisYear);
  const calendar = useApi(`/holidays?year=${year}`);
  const action = useAction();
  const [day, setDay] = useState('');
  const [kind, setKind] = useState('off');
  const [note, setNote] = useState('');
  const items = calendar.data ? calendar.data.items : [];
  const status = useCalendarStatus();

  async function save(next, doneText) {
    const answer = await action.run(() => api('/holidays', { method: 'PUT', body: { year, items: next } }), doneText);
    if (answer) calendar.reload();
    return answer;
  }

  async function add(event) {
    event.preventDefault();
    if (!day) {
      action.fail(t('ui.admin.holidays.date_required'));
      return;
    }
    const item = { date: day, is_workday: kind === 'work', note: note.trim() };
    const next = [...items, item].sort((a, b) => a.date.localeCompare(b.date));
    if (await save(next, t('ui.admin.holidays.added', { date: formatDay(day, locale) }))) {
      setDay('');
      setNote('');
    }
  }

  function remove(date) {
    save(items.filter((item) => item.date !== date), t('ui.admin.holidays.removed', { date: formatDay(date, locale) }));
  }

  return (
    <section class="screen" aria-labelledby="screen-title">
      <ScreenTitle>{t('ui.admin.holidays.title')}</ScreenTitle>
      <p>{t('ui.admin.holidays.explain')}</p>
      <CalendarWarning status={status} link={false} />
      <h2 aria-live="polite">{t('ui.admin.holidays.list', { year })}</h2>
      <div class="actions" role="group" aria-label={t('ui.admin.holidays.year_label')}>
        <button type="button" class="button button-secondary" onClick={() => setYear(year - 1)}>
          {t('ui.admin.holidays.year', { year: year - 1 })}
        </button>
        <button type="button" class="button button-secondary" onClick={() => setYear(year + 1)}>
          {t('ui.admin.holidays.year', { year: year + 1 })}
        </button>
      </div>
      <LoadState state={calendar} />
      {calendar.data && (
        <p class="meta" id="holiday-year-known">
          {t(calendar.data.national ? 'ui.admin.holidays.known_national'
            : calendar.data.calendar_known ? 'ui.admin.holidays.known_notice' : 'ui.admin.holidays.not_known', { year })}
        </p>
      )}
      <Feedback done={action.done} />
      {calendar.data && (items.length ? (
        <ul class="list" aria-label={t('ui.admin.holidays.list', { year })}>
          {items.map((item) => (
            <li key={item.date} class="family-link">
              <p id={`holiday-${item.date}`}>
                <strong>{formatDay(item.date, locale)}</strong>{' '}
                {t(item.is_workday ? 'ui.admin.holidays.workday' : 'ui.admin.holidays.day_off')}
                {item.note && <span class="meta"> · {item.note}</span>}
              </p>
              <button type="button" class="button button-secondary" disabled={action.busy}
                aria-describedby={`holiday-${item.date}`} onClick={() => remove(item.date)}>
                {t('ui.admin.holidays.remove')}
              </button>
            </li>
          ))}
        </ul>
      ) : <p>{t('ui.admin.holidays.empty', { year })}</p>)}
      <section class="card" aria-labelledby="holiday-add-title">
        <h2 id="holiday-add-title">{t('ui.admin.holidays.add_title')}</h2>
        <form class="form" onSubmit={add} noValidate>
          <div class="field">
            <label for="holiday-date">{t('ui.admin.holidays.date')}</label>
            <input id="holiday-date" class="input" type="date" min={`${year}-01-01`} max={`${year}-12-31`} value={day}
              onInput={(event) => setDay(event.currentTarget.value)} />
          </div>
          <fieldset class="fieldset">
            <legend>{t('ui.admin.holidays.kind')}</legend>
            <div class="choices">
              {['off', 'work'].map((value) => (
                <label class="choice" key={value}>
                  <input type="radio" name="holiday-kind" value={value} checked={kind === value} onChange={() => setKind(value)} />
                  {t(value === 'work' ? 'ui.admin.holidays.workday' : 'ui.admin.holidays.day_off')}
                </label>
              ))}
            </div>
          </fieldset>
          <div class="field">
            <label for="holiday-note">{t('ui.admin.holidays.note')}</label>
            <input id="holiday-note" class="input" maxLength={100} value={note} placeholder={t('ui.admin.holidays.note_hint')}
              onInput={(event) => setNote(event.currentTarget.value)} />
          </div>
          <Feedback error={action.error} />
          <button type="submit" class="button button-primary" disabled={action.busy}>{t('ui.admin.holidays.add')}</button>
        </form>
      </section>
      <NoticeImport key={year} year={year} onSaved={() => { calendar.reload(); status.reload(); }} />
    </section>
  );
}

/** Paste a year's State Council notice, see the days it gives, then save them. */
function NoticeImport({ year, onSaved }) {
  const { t, api, locale } = useApp();
  const action = useAction();
  const [text, setText] = useState('');
  const [preview, setPreview] = useState(null);

  async function send(dryRun) {
    if (!text.trim()) {
      action.fail(t('ui.admin.holidays.notice_required'));
      return;
    }
    const answer = await action.run(() => api('/holidays/import', {
      method: 'POST', body: { year, text, dry_run: dryRun },
    }), dryRun ? null : t('ui.admin.holidays.imported', { year }));
    if (!answer) {
      setPreview(null);
      return;
    }
    setPreview(dryRun ? answer : null);
    if (!dryRun) {
      setText('');
      onSaved();
    }
  }

  return (
    <section class="card" aria-labelledby="holiday-import-title">
      <h2 id="holiday-import-title">{t('ui.admin.holidays.import_title', { year })}</h2>
      <p class="meta" id="holiday-import-hint">{t('ui.admin.holidays.import_hint')}</p>
      <form class="form" onSubmit={(event) => { event.preventDefault(); send(true); }} noValidate>
        <div class="field">
          <label for="holiday-notice">{t('ui.admin.holidays.notice_label', { year })}</label>
          <textarea id="holiday-notice" class="input" rows={6} maxLength={5000} value={text}
            aria-describedby="holiday-import-hint"
            onInput={(event) => { setText(event.currentTarget.value); setPreview(null); }} />
        </div>
        <Feedback error={action.error} done={action.done} />
        {preview && (
          <div id="holiday-preview">
            <h3>{t('ui.admin.holidays.preview_title', { count: preview.items.length })}</h3>
            <ul class="list">
              {preview.items.map((item) => (
                <li key={item.date}>
                  <strong>{formatDay(item.date, locale)}</strong>{' '}
                  {t(item.is_workday ? 'ui.admin.holidays.workday' : 'ui.admin.holidays.day_off')}
                  {item.note && <span class="meta"> · {item.note}</span>}
                </li>
              ))}
            </ul>
            <p>{t('ui.admin.holidays.preview_moves', { count: preview.moved_cases })}</p>
          </div>
        )}
        <div class="actions">
          <button type="submit" class="button button-secondary" disabled={action.busy}>{t('ui.admin.holidays.preview')}</button>
          {preview && (
            <button type="button" class="button button-primary" disabled={action.busy} onClick={() => send(false)}>
              {t('ui.admin.holidays.import_save', { count: preview.items.length })}
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
