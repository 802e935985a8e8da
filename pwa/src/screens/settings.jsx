// Settings: script, 长辈模式, family links, push, signed-in devices, sign out.

import { useEffect, useState } from 'preact/hooks';

import { useApp } from '../context.js';
import { useApi } from '../data.js';
import { LOCALES } from '../i18n.js';
import { normalizePhone } from '../phone.js';
import { currentSubscription, iosNeedsInstall, pushSupported, subscribePush, unsubscribePush } from '../push.js';
import { Feedback, useAction } from '../action.jsx';
import { ConfirmStep, LoadState, ScreenTitle, formatDate } from '../ui.jsx';

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
      <SignedInDevices />
      <button type="button" class="button button-secondary button-wide" onClick={signOut}>{t('signin.sign_out')}</button>
    </section>
  );
}

function PushSettings() {
  const { t, api, locale } = useApp();
  const supported = pushSupported();
  const [subscribed, setSubscribed] = useState(false);
  const { busy, message, error, run } = useAction({ describe: (failure) => (failure && failure.message === 'denied' ? t('ui.push.denied') : t('ui.push.failed')) });
  useEffect(() => {
    currentSubscription().then((sub) => setSubscribed(Boolean(sub)), () => {});
  }, []);
  async function turnOn() {
    if (await run(() => subscribePush(api, locale), t('ui.push.on_done'))) setSubscribed(true);
  }
  async function turnOff() {
    await run(() => unsubscribePush(api).catch(() => {}));
    setSubscribed(false);
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
      {/* An outcome to be told, refused or not; refused, the inbox still has the news. */}
      <Feedback message={message} polite>{error && <> <a href="#/inbox">{t('ui.nav.inbox')}</a></>}</Feedback>
    </section>
  );
}

function FamilyLinks() {
  const { t, api, session } = useApp();
  const links = useApi('/family-links');
  const [phone, setPhone] = useState('');
  const [relation, setRelation] = useState('');
  const [name, setName] = useState('');
  // Adding (and confirming) a link answers under the form; revoking one, above the list.
  const add = useAction({ offline: t('ui.common.network_error') });
  const list = useAction();
  async function onSubmit(event) {
    event.preventDefault();
    const number = normalizePhone(phone);
    if (!/^1\d{10}$/.test(number)) {
      add.fail(t('error.auth.phone_invalid'));
      return;
    }
    if (!relation.trim()) {
      add.fail(t('ui.family.relation_required'));
      return;
    }
    const body = { phone: number, relation: relation.trim(), relative_name: name.trim() };
    if (await add.run(() => api('/family-links', { method: 'POST', body }))) {
      setPhone('');
      setRelation('');
      setName('');
      links.reload();
    }
  }
  async function confirm(id) {
    if (await add.run(() => api(`/family-links/${id}/confirm`, { method: 'POST', body: {} }), { busy: false })) links.reload();
  }
  async function revoke(id) {
    if (await list.run(() => api(`/family-links/${id}`, { method: 'DELETE' }), { done: t('ui.family.revoked'), busy: id })) links.reload();
  }
  return (
    <section class="card" aria-labelledby="family-title">
      <h2 id="family-title">{t('ui.family.title')}</h2>
      <p>{t('ui.family.explain')}</p>
      <LoadState state={links} />
      <Feedback done={list.done} />
      <Feedback error={list.error} />
      {links.data && (links.data.items.length ? (
        <ul class="list">
          {links.data.items.map((link) => {
            const mine = link.requester.id === session.user.id;
            const other = mine ? link.relative : link.requester;
            // Until confirmed, the relative is the name and number the requester typed.
            const name = other.name || other.phone;
            return (
              <li key={link.id} class="family-link">
                <p id={`family-link-${link.id}`}>
                  <strong>{t('ui.book.relative', { name, relation: link.relation })}</strong>{' '}
                  {t(`ui.family.status.${link.status === 'active' ? 'confirmed' : 'pending'}`)}
                </p>
                <div class="actions">
                  {!mine && link.status === 'pending' && (
                    <button type="button" class="button button-secondary" onClick={() => confirm(link.id)}>{t('ui.family.confirm')}</button>
                  )}
                  <ConfirmStep
                    action={t('ui.family.revoke')}
                    question={t('ui.family.revoke_confirm', { name })}
                    yes={t('ui.family.revoke_yes')}
                    no={t('ui.family.revoke_no')}
                    busy={list.busy === link.id}
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
          <input id="family-phone" class="input" type="tel" inputMode="tel" maxLength={20} value={phone} onInput={(e) => setPhone(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="family-name">{t('ui.family.name')}</label>
          <input id="family-name" class="input" maxLength={50} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="family-relation">{t('ui.family.relation')}</label>
          <input id="family-relation" class="input" maxLength={20} value={relation} placeholder={t('ui.family.relation_placeholder')} onInput={(e) => setRelation(e.currentTarget.value)} />
        </div>
        <Feedback error={add.error} />
        <button type="submit" class="button button-primary" disabled={add.busy}>{t('ui.family.add')}</button>
      </form>
    </section>
  );
}

/** The devices signed in as me: sign out here, end another one, or all the others (a lost phone). */
function SignedInDevices() {
  const { t, api, locale, signOut } = useApp();
  const sessions = useApi('/me/sessions');
  const list = useAction();
  const describe = (session) => t('ui.sessions.device', {
    system: t(`ui.sessions.system.${session.system}`), browser: t(`ui.sessions.browser.${session.browser}`),
  });
  async function end(id) {
    if (await list.run(() => api(`/me/sessions/${id}`, { method: 'DELETE' }), { done: t('ui.sessions.ended'), busy: id })) sessions.reload();
  }
  async function endOthers() {
    const answer = await list.run(() => api('/me/sessions', { method: 'DELETE' }), { busy: 'others' });
    if (answer) {
      list.say(answer.ended ? t('ui.sessions.others_ended', { count: answer.ended }) : t('ui.sessions.none_other'));
      sessions.reload();
    }
  }
  const items = sessions.data ? sessions.data.items : [];
  return (
    <section class="card" aria-labelledby="sessions-title">
      <h2 id="sessions-title">{t('ui.sessions.title')}</h2>
      <p>{t('ui.sessions.explain')}</p>
      <LoadState state={sessions} />
      <Feedback message={list.message} />
      {sessions.data && (
        <ul class="list" aria-labelledby="sessions-title">
          {items.map((session) => (
            <li key={session.id} class="device-row" data-session={session.id}>
              <p id={`session-${session.id}`}>
                <strong>{describe(session)}</strong>
                {session.current && <> <span class="badge">{t('ui.sessions.this_device')}</span></>}
                {session.remembered && <> <span class="meta">{t('ui.sessions.kept')}</span></>}
                <br />
                <span class="meta">{t('ui.sessions.last_used', { time: formatDate(session.last_used_at, locale) })}</span>
              </p>
              <div class="actions">
                {session.current ? (
                  <button type="button" class="button button-secondary" onClick={signOut}>{t('ui.sessions.sign_out_here')}</button>
                ) : (
                  <ConfirmStep
                    action={t('ui.sessions.end')}
                    question={t('ui.sessions.end_confirm', { device: describe(session) })}
                    yes={t('ui.sessions.end_yes')}
                    no={t('ui.sessions.end_no')}
                    busy={list.busy === session.id}
                    describedBy={`session-${session.id}`}
                    onConfirm={() => end(session.id)}
                  />
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
      {items.some((session) => !session.current) && (
        <button type="button" class="button button-secondary button-wide" disabled={list.busy === 'others'} onClick={endOthers}>
          {t('ui.sessions.end_others')}
        </button>
      )}
    </section>
  );
}
