// The case clock on a case's screens (resident, grid worker, desk): the urgent mark,
// the colour of 督办 in words, the deadline as it now stands with what is left, the
// extended days, the 时限中止 block, and the extension: the resident agrees or
// declines it in the app, staff ask for it and record a consent given by phone.
// The server offers each step in the case's `actions`; nothing here guesses.

import { useState } from 'preact/hooks';

import { Feedback, useAction } from './action.jsx';
import { useApp } from './context.js';
import { newKey } from './outbox.js';
import {
  SIGNAL_TONE, formatInstant, limitText, localInputNow, pauseText, remainingText,
} from './clock.js';
import { formatDeadline } from './ui.jsx';

/** 加急, in text and colour, on lists and detail. */
export function UrgentMark({ item, tag: Tag = 'strong' }) {
  const { t } = useApp();
  if (!item.urgent) return null;
  return <Tag class="flag flag-urgent">{t('ui.clock.urgent')}</Tag>;
}

/** 督办's colour with its word (never colour alone): red, yellow or green. */
export function SignalMark({ item, tag: Tag = 'span' }) {
  const { t } = useApp();
  if (!item.signal) return null;
  return <Tag class={`signal signal-${SIGNAL_TONE[item.signal] || 'grey'}`}>{t(`ui.clock.signal.${item.signal}`)}</Tag>;
}

/** The deadline as it now stands: a day for a case counted in working days, an hour for an urgent one. */
export function deadlineText(item, locale) {
  if (!item.deadline) return '';
  return item.urgent && item.time_limit_hours ? formatInstant(item.deadline, locale) : formatDeadline(item.deadline, locale);
}

/**
 * 办理时限 (beside the facts' deadline, which is the deadline as it now stands): the limit, what is left, the extended days,
 * and the 时限中止 block (each pause: from, to, the working days it did not count);
 * with `signal`, 督办's colour for staff.
 */
export function CaseClock({ item, signal = false }) {
  const { t, locale } = useApp();
  const remaining = remainingText(t, item);
  const pauses = item.pauses || [];
  return (
    <section class="card case-clock" aria-labelledby="clock-title">
      <h2 id="clock-title">{t('ui.clock.title')} <UrgentMark item={item} /> {signal && <SignalMark item={item} />}</h2>
      <dl class="facts">
        <dt>{t('ui.clock.limit')}</dt><dd>{limitText(t, item)}</dd>
        {remaining && <><dt>{t('ui.clock.remaining')}</dt><dd class="clock-remaining">{remaining}</dd></>}
        {item.extended_days > 0 && (
          <><dt>{t('ui.clock.extended')}</dt><dd class="clock-extended">{t('ui.clock.extended_days', { days: item.extended_days })}</dd></>
        )}
      </dl>
      {item.paused && <p class="notice clock-paused">{t('ui.clock.paused_now')}</p>}
      {pauses.length > 0 && (
        <section class="pauses" aria-labelledby="pauses-title">
          <h3 id="pauses-title">{t('ui.clock.pauses_title')}</h3>
          <p class="meta">{t('ui.clock.pauses_explain')}</p>
          <ul class="list pause-list">
            {pauses.map((pause, index) => {
              const { span, cost } = pauseText(t, pause, locale);
              return <li key={index} class="pause"><span>{span}</span> <strong>{cost}</strong></li>;
            })}
          </ul>
        </section>
      )}
    </section>
  );
}

function consentLine(t, extension, locale) {
  if (extension.status !== 'agreed') return null;
  const at = formatInstant(extension.answered_at, locale);
  if (extension.consent === 'phone') {
    return t('ui.clock.ext.consent_phone', {
      name: extension.agreed_by_name || '', at, staff: extension.recorded_by ? extension.recorded_by.name : '',
    });
  }
  return t('ui.clock.ext.consent_app', { name: extension.agreed_by_name || '', at });
}

/** Every extension asked on the case: days, reason, and who agreed how (or that she declined). */
export function Extensions({ item }) {
  const { t, locale } = useApp();
  const extensions = item.extensions || [];
  if (!extensions.length) return null;
  return (
    <section class="card" aria-labelledby="extensions-title">
      <h2 id="extensions-title">{t('ui.clock.ext.history')}</h2>
      <ul class="list extension-list">
        {extensions.map((extension) => (
          <li key={extension.id} class="extension">
            <p><strong>{t('ui.clock.ext.days_line', { days: extension.days })}</strong> <span class={`ext-status ext-status-${extension.status}`}>{t(`ui.clock.ext.status.${extension.status}`)}</span></p>
            <p class="meta">{t('ui.clock.ext.asked_by', { name: extension.requested_by ? extension.requested_by.name : '', at: formatInstant(extension.requested_at, locale) })}</p>
            <p class="ext-reason">{extension.reason}</p>
            {consentLine(t, extension, locale) && <p class="status-line">{consentLine(t, extension, locale)}</p>}
          </li>
        ))}
      </ul>
    </section>
  );
}

function pendingExtension(item) {
  return (item.extensions || []).find((extension) => extension.status === 'pending') || null;
}

/** A POST with a fresh Idempotency-Key, answered on the screen (these steps need the network). */
function usePost() {
  const { api } = useApp();
  const action = useAction();
  const post = (path, body) => action.run(() => api(path, { method: 'POST', body, headers: { 'Idempotency-Key': newKey() } }));
  return { ...action, post };
}

/** The resident (or a relative acting for her) agrees to the extension asked, or declines it. */
export function AnswerExtension({ item, onDone }) {
  const { t } = useApp();
  const extension = pendingExtension(item);
  const { busy, message, post } = usePost();
  if (!extension) return null;
  const answer = async (agree) => {
    const key = agree ? 'ui.clock.ext.agreed_done' : 'ui.clock.ext.declined_done';
    // The screen's own line says how it went: this card goes once answered.
    if (await post(`/cases/${item.id}/extensions/${extension.id}/answer`, { agree })) onDone(t(key));
  };
  return (
    <section class="card extension-ask" aria-labelledby="ext-answer-title">
      <h2 id="ext-answer-title">{t('ui.clock.ext.answer_title')}</h2>
      <p><strong>{t('ui.clock.ext.days_line', { days: extension.days })}</strong></p>
      <p class="meta">{t('ui.clock.ext.reason')}</p>
      <p class="ext-reason">{extension.reason}</p>
      <p id="ext-answer-explain">{t('ui.clock.ext.answer_explain')}</p>
      <Feedback message={message} />
      <div class="actions">
        <button type="button" class="button button-primary" aria-describedby="ext-answer-explain" disabled={busy} onClick={() => answer(true)}>
          {t('ui.clock.ext.agree')}
        </button>
        <button type="button" class="button button-secondary" aria-describedby="ext-answer-explain" disabled={busy} onClick={() => answer(false)}>
          {t('ui.clock.ext.decline')}
        </button>
      </div>
    </section>
  );
}

/** Staff ask for N more working days with a reason the resident reads. */
export function AskExtension({ item, onDone }) {
  const { t } = useApp();
  const [days, setDays] = useState('');
  const [reason, setReason] = useState('');
  const { busy, message, fail, post } = usePost();
  const onSubmit = async (event) => {
    event.preventDefault();
    const count = Number(days);
    if (!/^\d+$/.test(days.trim()) || count < 1 || count > 30) {
      fail(t('ui.clock.ext.days_invalid'));
      return;
    }
    if (!reason.trim()) {
      fail(t('ui.clock.ext.reason_required'));
      return;
    }
    if (await post(`/cases/${item.id}/extensions`, { days: count, reason: reason.trim() })) {
      setDays('');
      setReason('');
      onDone(t('ui.clock.ext.sent'));
    }
  };
  return (
    <form class="form card" onSubmit={onSubmit} noValidate aria-labelledby="ext-ask-title">
      <h2 id="ext-ask-title">{t('ui.clock.ext.ask_title')}</h2>
      <p>{t('ui.clock.ext.ask_explain')}</p>
      <div class="field">
        <label for="ext-days">{t('ui.clock.ext.days')}</label>
        <input id="ext-days" class="input" inputMode="numeric" maxLength={2} value={days} onInput={(e) => setDays(e.currentTarget.value)} />
      </div>
      <div class="field">
        <label for="ext-reason">{t('ui.clock.ext.reason_label')}</label>
        <textarea id="ext-reason" class="input textarea" rows={3} maxLength={500} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
      </div>
      <Feedback message={message} />
      <button type="submit" class="button button-primary" disabled={busy}>{t('ui.clock.ext.send')}</button>
    </form>
  );
}

/**
 * The instant a phone consent was given: now when the clerk left the field as it was;
 * else the minute she chose, kept within the request's minute and this one (the field
 * has no seconds, and the server refuses a time before the request or in the future).
 */
function consentInstant(when, touched, requestedAt) {
  const now = new Date();
  if (!touched) return now;
  const chosen = when ? new Date(when) : null;
  if (!chosen || Number.isNaN(chosen.getTime())) return null;
  const asked = new Date(requestedAt);
  if (chosen < asked && asked - chosen < 60000) return asked;
  if (chosen > now && chosen - now < 60000) return now;
  return chosen;
}

/** Staff record that the resident agreed by phone: who agreed, and when. */
export function RecordConsent({ item, onDone }) {
  const { t } = useApp();
  const extension = pendingExtension(item);
  const [who, setWho] = useState('');
  const [when, setWhen] = useState(() => localInputNow());
  const [touched, setTouched] = useState(false);
  const { busy, message, fail, post } = usePost();
  if (!extension) return null;
  const onSubmit = async (event) => {
    event.preventDefault();
    if (!who.trim()) {
      fail(t('ui.clock.ext.consent_who_required'));
      return;
    }
    const at = consentInstant(when, touched, extension.requested_at);
    if (!at) {
      fail(t('ui.clock.ext.consent_when_required'));
      return;
    }
    const body = { agreed_by: who.trim(), agreed_at: at.toISOString() };
    if (await post(`/cases/${item.id}/extensions/${extension.id}/phone-consent`, body)) onDone(t('ui.clock.ext.consent_done'));
  };
  return (
    <form class="form card" onSubmit={onSubmit} noValidate aria-labelledby="consent-title">
      <h2 id="consent-title">{t('ui.clock.ext.consent_title')}</h2>
      <p>{t('ui.clock.ext.consent_explain', { days: extension.days })}</p>
      <div class="field">
        <label for="consent-who">{t('ui.clock.ext.consent_who')}</label>
        <input id="consent-who" class="input" maxLength={50} autoComplete="off" value={who} onInput={(e) => setWho(e.currentTarget.value)} />
      </div>
      <div class="field">
        <label for="consent-when">{t('ui.clock.ext.consent_when')}</label>
        <input id="consent-when" class="input" type="datetime-local" value={when} max={localInputNow()} onInput={(e) => { setWhen(e.currentTarget.value); setTouched(true); }} />
      </div>
      <Feedback message={message} />
      <button type="submit" class="button button-primary" disabled={busy}>{t('ui.clock.ext.consent_send')}</button>
    </form>
  );
}
