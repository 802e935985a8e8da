// Settings: script, 长辈模式, family links, push, sign out.

import { useEffect, useState } from 'preact/hooks';

import { NetworkError } from '../http.js';
import { useApp } from '../context.js';
import { useApi } from '../data.js';
import { LOCALES } from '../i18n.js';
import { normalizePhone } from '../phone.js';
import { currentSubscription, iosNeedsInstall, pushSupported, subscribePush, unsubscribePush } from '../push.js';
import { describeError } from '../action.jsx';
import { ConfirmStep, LoadState, ScreenTitle } from '../ui.jsx';

export function SettingsScreen() {
  const { t, locale, setLocale, elderMode, setElderMode, signOut } = useApp();
  return (
    <section class="screen" aria-labelledby="screen-title">
      <ScreenTitle>{t('ui.settings.title')}</ScreenTitle>
      <div class="card">
        <h2>{t('app.display_settings')}</h2>
        <div class="choices" role="group" aria-label={t('app.script')}>
          {LOCALES.map((code) => (
            <button key={code} type="button" class="button button-toggle" aria-pressed={String(code === locale)} onClick={() => code !== locale && setLocale(code).catch(() => {})}>
              {t(`locale.${code}`)}
            </button>
          ))}
        </div>
        <div class="choices">
          <button type="button" class="button button-toggle" aria-pressed={String(elderMode)} onClick={() => setElderMode(!elderMode)}>
            {t('app.elder_mode')}
          </button>
        </div>
        <p class="meta">{t('ui.settings.elder_hint')}</p>
      </div>
      <PushSettings />
      <FamilyLinks />
      <button type="button" class="button button-secondary button-wide" onClick={signOut}>{t('signin.sign_out')}</button>
    </section>
  );
}

function PushSettings() {
  const { t, api, locale } = useApp();
  const supported = pushSupported();
  const [subscribed, setSubscribed] = useState(false);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState(null);
  useEffect(() => {
    currentSubscription().then((sub) => setSubscribed(Boolean(sub)), () => {});
  }, []);
  async function turnOn() {
    setBusy(true);
    setMessage(null);
    try {
      await subscribePush(api, locale);
      setSubscribed(true);
      setMessage({ error: false, text: t('ui.push.on_done') });
    } catch (failure) {
      setMessage({ error: true, text: failure.message === 'denied' ? t('ui.push.denied') : t('ui.push.failed') });
    } finally {
      setBusy(false);
    }
  }
  async function turnOff() {
    setBusy(true);
    await unsubscribePush(api).catch(() => {});
    setSubscribed(false);
    setBusy(false);
  }
  return (
    <section class="card" aria-labelledby="push-title">
      <h2 id="push-title">{t('ui.push.title')}</h2>
      <p>{t('ui.push.explain')}</p>
      {iosNeedsInstall() ? (
        <div class="notice">
          <p>{t('ui.push.ios_install')}</p>
          <p>{t('ui.push.ios_meanwhile')} <a href="#/inbox">{t('ui.nav.inbox')}</a></p>
        </div>
      ) : !supported ? (
        <p class="notice">{t('ui.push.unavailable')} <a href="#/inbox">{t('ui.nav.inbox')}</a></p>
      ) : subscribed ? (
        <button type="button" class="button button-secondary" disabled={busy} onClick={turnOff}>{t('ui.push.turn_off')}</button>
      ) : (
        <button type="button" class="button button-primary" disabled={busy} onClick={turnOn}>{t('ui.push.turn_on')}</button>
      )}
      <div role="status" class={message ? (message.error ? 'message message-error' : 'notice') : undefined}>
        {message ? message.text : ''}
        {message && message.error && <> <a href="#/inbox">{t('ui.nav.inbox')}</a></>}
      </div>
    </section>
  );
}

function FamilyLinks() {
  const { t, api, session } = useApp();
  const links = useApi('/family-links');
  const [phone, setPhone] = useState('');
  const [relation, setRelation] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  async function onSubmit(event) {
    event.preventDefault();
    const number = normalizePhone(phone);
    if (!/^1\d{10}$/.test(number)) {
      setError(t('error.auth.phone_invalid'));
      return;
    }
    if (!relation.trim()) {
      setError(t('ui.family.relation_required'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api('/family-links', { method: 'POST', body: { phone: number, relation: relation.trim(), relative_name: name.trim() } });
      setPhone('');
      setRelation('');
      setName('');
      links.reload();
    } catch (failure) {
      setError(describeError(t, failure));
    } finally {
      setBusy(false);
    }
  }
  const [notice, setNotice] = useState(null);
  const [listError, setListError] = useState(null);
  const [revoking, setRevoking] = useState(null);
  async function confirm(id) {
    try {
      await api(`/family-links/${id}/confirm`, { method: 'POST', body: {} });
      links.reload();
    } catch (failure) {
      setError(describeError(t, failure));
    }
  }
  async function revoke(id) {
    setRevoking(id);
    setListError(null);
    setNotice(null);
    try {
      await api(`/family-links/${id}`, { method: 'DELETE' });
      setNotice(t('ui.family.revoked'));
      links.reload();
    } catch (failure) {
      setListError(failure instanceof NetworkError ? t('ui.case.offline_action') : describeError(t, failure));
    } finally {
      setRevoking(null);
    }
  }
  return (
    <section class="card" aria-labelledby="family-title">
      <h2 id="family-title">{t('ui.family.title')}</h2>
      <p>{t('ui.family.explain')}</p>
      <LoadState state={links} />
      <div role="status" class={notice ? 'notice' : undefined}>{notice || ''}</div>
      <div role="alert" class={listError ? 'message message-error' : undefined}>{listError || ''}</div>
      {links.data && (links.data.items.length ? (
        <ul class="list">
          {links.data.items.map((link) => {
            const mine = link.requester.id === session.user.id;
            const other = mine ? link.relative : link.requester;
            return (
              <li key={link.id} class="family-link">
                <p id={`family-link-${link.id}`}>
                  <strong>{t('ui.book.relative', { name: other.name, relation: link.relation })}</strong>{' '}
                  {t(`ui.family.status.${link.status === 'active' ? 'confirmed' : 'pending'}`)}
                </p>
                <div class="actions">
                  {!mine && link.status === 'pending' && (
                    <button type="button" class="button button-secondary" onClick={() => confirm(link.id)}>{t('ui.family.confirm')}</button>
                  )}
                  <ConfirmStep
                    action={t('ui.family.revoke')}
                    question={t('ui.family.revoke_confirm', { name: other.name })}
                    yes={t('ui.family.revoke_yes')}
                    no={t('ui.family.revoke_no')}
                    busy={revoking === link.id}
                    describedBy={`family-link-${link.id}`}
                    onConfirm={() => revoke(link.id)}
                  />
                </div>
              </li>
            );
          })}
        </ul>
      ) : (
        <p>{t('ui.family.empty')}</p>
      ))}
      <form class="form" onSubmit={onSubmit} noValidate>
        <div class="field">
          <label for="family-phone">{t('ui.family.phone')}</label>
          <input id="family-phone" class="input" type="tel" inputMode="tel" value={phone} onInput={(e) => setPhone(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="family-name">{t('ui.family.name')}</label>
          <input id="family-name" class="input" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="family-relation">{t('ui.family.relation')}</label>
          <input id="family-relation" class="input" value={relation} placeholder={t('ui.family.relation_placeholder')} onInput={(e) => setRelation(e.currentTarget.value)} />
        </div>
        <div role="alert" class={error ? 'message message-error' : undefined}>{error || ''}</div>
        <button type="submit" class="button button-primary" disabled={busy}>{t('ui.family.add')}</button>
      </form>
    </section>
  );
}
