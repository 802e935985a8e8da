// The catalog entries one may edit (GET /services/manage, both scripts), and the
// form for one entry: create (POST), replace (PUT), retire (DELETE). Traditional
// fields left empty are converted from the Simplified by the server.

import { useEffect, useState } from 'preact/hooks';

import { Feedback, useAction } from '../action.jsx';
import { useApp } from '../context.js';
import { useApi } from '../data.js';
import { navigate } from '../router.js';
import { ConfirmStep, LoadState, ScreenTitle } from '../ui.jsx';
import { Bilingual, DownloadButton } from './common.jsx';

const CATEGORIES = [
  'education', 'employment', 'social_insurance', 'social_assistance', 'elderly_care', 'disability', 'veterans',
  'health', 'culture_sports', 'legal', 'housing', 'agriculture', 'civil_affairs',
];
const CHANNELS = ['online', 'door_to_door', 'proxy'];
// [field, multi-line, list (one per line), longest text the API takes (ServiceWrite)]
const TEXTS = [
  ['name', false, false, 200], ['description', true, false, 4000], ['policy_basis', true, false, 4000],
  ['implementing_body', false, false, 200], ['target_groups', true, true], ['materials', true, true], ['fee', false, false, 200],
];

export function CatalogScreen() {
  const { t } = useApp();
  const records = useApi('/services/manage');
  return (
    <section class="screen" aria-labelledby="screen-title">
      <p><a href="#/desk/manage">{t('ui.desk.manage.back')}</a></p>
      <ScreenTitle>{t('ui.desk.catalog.title')}</ScreenTitle>
      <div class="actions">
        <a class="button button-primary" href="#/desk/manage/services/new">{t('ui.desk.catalog.new')}</a>
        <a class="button button-secondary" href="#/desk/manage/import">{t('ui.desk.import.title')}</a>
        <DownloadButton path="/services/export?format=xlsx" filename="services.xlsx" label={t('ui.desk.catalog.export_xlsx')} />
        <DownloadButton path="/services/export?format=csv" filename="services.csv" label={t('ui.desk.catalog.export_csv')} />
      </div>
      <LoadState state={records} />
      {records.data && !records.data.items.length && <p>{t('ui.desk.catalog.empty')}</p>}
      {records.data && records.data.items.length > 0 && (
        <div class="table-wrap" tabIndex={0} role="region" aria-label={t('ui.desk.catalog.table_label')}>
          <table class="table">
            <thead>
              <tr>
                <th scope="col">{t('ui.desk.catalog.code')}</th>
                <th scope="col">{t('ui.desk.catalog.name')}</th>
                <th scope="col">{t('ui.desk.catalog.category')}</th>
                <th scope="col">{t('ui.desk.catalog.time_limit')}</th>
                <th scope="col">{t('ui.desk.catalog.state')}</th>
              </tr>
            </thead>
            <tbody>
              {records.data.items.map((record) => (
                <tr key={record.code}>
                  <td><a href={`#/desk/manage/services/${encodeURIComponent(record.code)}`}>{record.code}</a></td>
                  <td>{record.name_hans}<br /><span class="meta">{record.name_hant}</span></td>
                  <td>{t(`catalog.category.${record.category}`)}</td>
                  <td>{record.time_limit_days}</td>
                  <td>{record.active ? t('ui.desk.catalog.active') : t('ui.desk.catalog.retired')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function emptyForm(township) {
  const form = { code: '', category: 'civil_affairs', time_limit_days: '15', channels: ['online'], active: true, township };
  for (const [name] of TEXTS) {
    form[`${name}_hans`] = '';
    form[`${name}_hant`] = '';
  }
  return form;
}

function toForm(record) {
  const form = { ...record, time_limit_days: String(record.time_limit_days) };
  for (const [name, , list] of TEXTS) {
    if (list) {
      form[`${name}_hans`] = record[`${name}_hans`].join('\n');
      form[`${name}_hant`] = record[`${name}_hant`].join('\n');
    }
  }
  return form;
}

function toBody(form) {
  const body = {
    code: form.code.trim(), category: form.category, time_limit_days: Number(form.time_limit_days),
    channels: form.channels, active: form.active, township: form.township || null,
  };
  for (const [name, , list] of TEXTS) {
    for (const script of ['hans', 'hant']) {
      const raw = form[`${name}_${script}`] || '';
      const value = list ? raw.split('\n').map((line) => line.trim()).filter(Boolean) : raw.trim();
      // An empty Traditional field is left out: the server converts the Simplified.
      if (script === 'hant' && (list ? !value.length : !value)) continue;
      body[`${name}_${script}`] = value;
    }
  }
  return body;
}

// "Saved" for the entry's own page, which replaces the new-entry page after a create.
let savedNote = null;

function takeSavedNote() {
  const note = savedNote;
  savedNote = null;
  return note ? { error: false, text: note } : null;
}

export function ServiceEditScreen({ code }) {
  const { t, api, session } = useApp();
  const records = useApi(code ? '/services/manage' : null);
  const township = (session.user.region && session.user.region.code.slice(0, 9)) || null;
  const [form, setForm] = useState(() => (code ? null : emptyForm(session.user.role === 'admin' ? null : township)));
  const { busy, error, done, run } = useAction({ offline: t('ui.common.network_error'), initial: takeSavedNote });
  const record = code && records.data ? records.data.items.find((item) => item.code === code) : null;
  useEffect(() => {
    if (record && !form) setForm(toForm(record));
  }, [record]); // eslint-disable-line react-hooks/exhaustive-deps -- fill the form once, when the record arrives; later edits are the clerk's
  const set = (name) => (event) => setForm({ ...form, [name]: event.currentTarget.value });
  const toggleChannel = (channel) => setForm({
    ...form, channels: form.channels.includes(channel) ? form.channels.filter((c) => c !== channel) : [...form.channels, channel],
  });
  async function save(event) {
    event.preventDefault();
    const result = await run(
      () => (code
        ? api(`/services/${encodeURIComponent(code)}`, { method: 'PUT', body: toBody(form) })
        : api('/services', { method: 'POST', body: toBody(form) })),
      t('ui.desk.catalog.saved'),
    );
    if (!result) return;
    setForm(toForm(result));
    if (!code) {
      savedNote = t('ui.desk.catalog.saved');
      navigate(`/desk/manage/services/${encodeURIComponent(result.code)}`, { replace: true });
    }
  }
  async function retire() {
    const result = await run(() => api(`/services/${encodeURIComponent(code)}`, { method: 'DELETE' }), t('ui.desk.catalog.retired_done'));
    if (result) setForm(toForm(result));
  }
  const title = code ? t('ui.desk.catalog.edit_title', { code }) : t('ui.desk.catalog.new');
  return (
    <section class="screen" aria-labelledby="screen-title">
      <p><a href="#/desk/manage/services">{t('ui.desk.catalog.back')}</a></p>
      <ScreenTitle>{title}</ScreenTitle>
      {code && <LoadState state={records} />}
      {code && records.data && !record && <p class="message message-error">{t('ui.desk.catalog.not_found')}</p>}
      <Feedback done={done} />
      {form && (
        <form class="form" onSubmit={save} noValidate>
          <div class="field">
            <label for="svc-code">{t('ui.desk.catalog.code')}</label>
            <input id="svc-code" class="input" maxLength={15} value={form.code} readOnly={Boolean(code)} aria-describedby="svc-code-hint" onInput={set('code')} />
            <p id="svc-code-hint" class="meta">{t('ui.desk.catalog.code_hint')}</p>
          </div>
          <div class="field">
            <label for="svc-category">{t('ui.desk.catalog.category')}</label>
            <select id="svc-category" class="input" value={form.category} onChange={set('category')}>
              {CATEGORIES.map((value) => <option key={value} value={value}>{t(`catalog.category.${value}`)}</option>)}
            </select>
          </div>
          <div class="field">
            <label for="svc-limit">{t('ui.desk.catalog.time_limit')}</label>
            <input id="svc-limit" class="input" type="number" inputMode="numeric" min={1} max={365} value={form.time_limit_days} onInput={set('time_limit_days')} />
          </div>
          <fieldset class="fieldset">
            <legend>{t('ui.desk.catalog.channels')}</legend>
            <div class="choices">
              {CHANNELS.map((channel) => (
                <label key={channel} class="choice">
                  <input type="checkbox" checked={form.channels.includes(channel)} onChange={() => toggleChannel(channel)} />
                  {t(`catalog.channel.${channel}`)}
                </label>
              ))}
            </div>
          </fieldset>
          <div class="choices">
            <label class="choice">
              <input type="checkbox" checked={form.active} onChange={() => setForm({ ...form, active: !form.active })} />
              {t('ui.desk.catalog.active')}
            </label>
          </div>
          <Bilingual>
            {(script) => TEXTS.map(([name, multi, list, max]) => {
              const id = `svc-${name}-${script}`;
              const Tag = multi ? 'textarea' : 'input';
              return (
                <div class="field" key={name}>
                  <label for={id}>{t(`ui.desk.catalog.field.${name}`)}{list ? t('ui.desk.catalog.one_per_line') : ''}</label>
                  <Tag id={id} class={multi ? 'input textarea' : 'input'} rows={multi ? 3 : undefined} maxLength={max} value={form[`${name}_${script}`]} onInput={set(`${name}_${script}`)} />
                </div>
              );
            })}
          </Bilingual>
          <Feedback error={error} />
          <div class="actions">
            <button type="submit" class="button button-primary" disabled={busy}>{t('ui.desk.catalog.save')}</button>
          </div>
          {code && form.active && (
            <ConfirmStep
              action={t('ui.desk.catalog.retire')}
              question={t('ui.desk.catalog.retire_confirm')}
              yes={t('ui.desk.catalog.retire_yes')}
              no={t('ui.desk.cancel')}
              busy={busy}
              onConfirm={retire}
            />
          )}
        </form>
      )}
    </section>
  );
}
