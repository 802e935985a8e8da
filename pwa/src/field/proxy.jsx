// 代办: a grid worker submits a request, complaint or suggestion on a resident's
// behalf — a resident picked from my grids (#/field/proxy?resident=ID&name=…&grid=…)
// or, for someone without an account yet, by phone and name. How the person's
// identity was checked is recorded with the case. It waits in the outbox like
// every other write, so it can be filled in at the door without signal.

import { useState } from 'preact/hooks';

import { Feedback } from '../action.jsx';
import { useApp } from '../context.js';
import { useApi } from '../data.js';
import { normalizePhone } from '../phone.js';
import { RegionPicker } from '../region-picker.jsx';
import { navigate, routeQuery } from '../router.js';
import { ScreenTitle } from '../ui.jsx';
import { PhotoInput } from './photo-input.jsx';
import { useFieldSend } from './send.jsx';

const KINDS = ['request', 'complaint', 'suggestion'];
export const IDENTITY_CHECKS = ['home_visit', 'phone', 'smartphone', 'in_person'];
const GRID_DIGITS = 15;

export function ProxyScreen() {
  const { t, session } = useApp();
  const query = routeQuery();
  const residentId = Number(query.get('resident')) || null;
  const residentName = query.get('name') || '';
  const home = session.user.region;
  // The case belongs to the resident's grid; a resident registered to a village goes to mine.
  const known = [query.get('grid'), home && home.code].find((code) => code && code.length === GRID_DIGITS) || '';
  const [picked, setPicked] = useState(null); // a worker of a whole village picks the grid
  const grid = known || (picked ? picked.code : '');
  const catalog = useApi('/services', { offline: true });
  const [kind, setKind] = useState('request');
  const [service, setService] = useState('');
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [identity, setIdentity] = useState('');
  const [phone, setPhone] = useState('');
  const [name, setName] = useState('');
  const [photos, setPhotos] = useState([]);
  // Sent or kept for later, the form is done: back to the queue, which says which (a second tap cannot file it twice).
  const { busy, message, send, fail } = useFieldSend((result) => navigate(result.state === 'sent' ? '/field?sent=1' : '/field?queued=1'));

  function check() {
    if (!residentId && normalizePhone(phone).length !== 11) return t('ui.field.proxy.phone_required');
    if (kind === 'request' && !service) return t('ui.field.proxy.service_required');
    if (!title.trim() || !description.trim()) return t('ui.submit.required');
    if (!identity) return t('ui.field.proxy.identity_required');
    if (!grid) return t('ui.submit.region_required');
    return null;
  }

  function onSubmit(event) {
    event.preventDefault();
    const problem = check();
    if (problem) {
      fail(problem);
      return;
    }
    const body = { kind, title: title.trim(), description: description.trim(), region: grid, identity_check: identity };
    if (kind === 'request') body.service_code = service;
    if (residentId) body.resident_id = residentId;
    else {
      body.resident_phone = normalizePhone(phone);
      if (name.trim()) body.resident_name = name.trim();
    }
    send({
      path: '/cases', body, photos, kind: 'proxy',
      label: t('ui.field.proxy.label', { name: residentName || name.trim() || body.resident_phone, title: body.title }),
    });
  }

  const services = catalog.data ? catalog.data.items : [];
  return (
    <section class="screen" aria-labelledby="screen-title">
      <p><a class="list-link" href="#/field/residents">{t('ui.field.proxy.back')}</a></p>
      <ScreenTitle>{t('ui.field.proxy.title')}</ScreenTitle>
      {residentId ? <p class="lead">{t('ui.field.proxy.for', { name: residentName })}</p> : <p class="lead">{t('ui.field.proxy.new_explain')}</p>}
      <form class="form" onSubmit={onSubmit} noValidate>
        {!residentId && (
          <>
            <div class="field">
              <label for="proxy-phone">{t('ui.field.proxy.phone')}</label>
              <input id="proxy-phone" class="input input-phone" type="tel" inputMode="tel" autoComplete="off" maxLength={20} value={phone} onInput={(e) => setPhone(e.currentTarget.value)} />
            </div>
            <div class="field">
              <label for="proxy-name">{t('ui.field.proxy.name')}</label>
              <input id="proxy-name" class="input" maxLength={50} value={name} onInput={(e) => setName(e.currentTarget.value)} />
            </div>
          </>
        )}
        <fieldset class="fieldset">
          <legend>{t('ui.submit.kind')}</legend>
          <div class="choices">
            {KINDS.map((value) => (
              <label key={value} class="choice">
                <input type="radio" name="proxy-kind" value={value} checked={kind === value} onChange={() => setKind(value)} />
                {t(`case.kind.${value}`)}
              </label>
            ))}
          </div>
        </fieldset>
        {kind === 'request' && (
          <div class="field">
            <label for="proxy-service">{t('ui.field.proxy.service')}</label>
            <select id="proxy-service" class="input" value={service} onChange={(e) => setService(e.currentTarget.value)}>
              <option value="">{t('ui.field.proxy.service_choose')}</option>
              {services.map((entry) => <option key={entry.code} value={entry.code}>{entry.name}</option>)}
            </select>
          </div>
        )}
        <div class="field">
          <label for="proxy-title">{t('ui.submit.case_title')}</label>
          <input id="proxy-title" class="input" maxLength={200} value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="proxy-description">{t('ui.submit.description')}</label>
          <textarea id="proxy-description" class="input textarea" rows={4} maxLength={5000} value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
        </div>
        <fieldset class="fieldset">
          <legend>{t('ui.field.identity.label')}</legend>
          <div class="choices">
            {IDENTITY_CHECKS.map((value) => (
              <label key={value} class="choice">
                <input type="radio" name="proxy-identity" value={value} checked={identity === value} onChange={() => setIdentity(value)} />
                {t(`ui.field.identity.${value}`)}
              </label>
            ))}
          </div>
        </fieldset>
        {!known && <RegionPicker value={picked} onChange={setPicked} legend={t('ui.submit.region')} offerHome />}
        <PhotoInput id="proxy-photos" photos={photos} onChange={setPhotos} />
        <Feedback message={message} />
        <button type="submit" class="button button-primary button-wide" disabled={busy}>{t('ui.field.proxy.send')}</button>
        <p class="meta">{t('ui.submit.offline_hint')}</p>
      </form>
    </section>
  );
}
