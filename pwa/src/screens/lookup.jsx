// Progress by receipt number and phone, for a villager without an account (or
// one helping a neighbour): no sign-in, no personal data in the answer.

import { useState } from 'preact/hooks';

import { ApiError } from '../http.js';
import { useApp } from '../context.js';
import { normalizePhone } from '../phone.js';
import { Feedback, useAction } from '../action.jsx';
import { StartsOn, formatDate, formatDeadline } from '../ui.jsx';

const PHONE_PATTERN = /^1\d{10}$/;

export function CaseLookup() {
  const { t, api, locale } = useApp();
  const [receipt, setReceipt] = useState('');
  const [phone, setPhone] = useState('');
  const { busy, error, run, fail } = useAction({
    offline: t('ui.common.network_error'),
    describe: (failure) => failure instanceof ApiError && failure.status === 404 && t('ui.lookup.not_found'),
  });
  const [found, setFound] = useState(null);

  async function onSubmit(event) {
    event.preventDefault();
    const receiptNo = receipt.trim().toUpperCase();
    const number = normalizePhone(phone);
    if (!receiptNo) {
      fail(t('ui.lookup.receipt_required'));
      return;
    }
    if (!PHONE_PATTERN.test(number)) {
      fail(t('error.auth.phone_invalid'));
      return;
    }
    setFound(null);
    const query = new URLSearchParams({ receipt_no: receiptNo, phone: number });
    const answer = await run(() => api(`/cases/lookup?${query}`));
    if (answer) setFound(answer);
  }

  return (
    <section class="card lookup" aria-labelledby="lookup-title">
      <h2 id="lookup-title">{t('ui.lookup.title')}</h2>
      <p>{t('ui.lookup.explain')}</p>
      <form class="form" onSubmit={onSubmit} noValidate>
        <div class="field">
          <label for="lookup-receipt">{t('ui.lookup.receipt')}</label>
          <input id="lookup-receipt" class="input" autoCapitalize="characters" autoComplete="off" maxLength={24}
            placeholder={t('ui.lookup.receipt_placeholder')} value={receipt} onInput={(e) => setReceipt(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="lookup-phone">{t('ui.lookup.phone')}</label>
          <input id="lookup-phone" class="input" type="tel" inputMode="tel" autoComplete="tel" maxLength={20}
            value={phone} onInput={(e) => setPhone(e.currentTarget.value)} />
        </div>
        {/* Only while there is something to say: the sign-in form above keeps its own alert. */}
        {error && <Feedback error={error} />}
        <button type="submit" class="button button-secondary button-wide" disabled={busy}>{t('ui.lookup.send')}</button>
      </form>
      <div role="status">
        {found && (
          <section aria-labelledby="lookup-result-title">
            <h3 id="lookup-result-title">{t('ui.lookup.result')}</h3>
            <p class={`status status-${found.status}`}>{found.status_label}</p>
            {found.status === 'submitted' && found.handling_starts_on && (
              <p class="notice"><StartsOn day={found.handling_starts_on} t={t} locale={locale} /></p>
            )}
            <dl class="facts">
              <dt>{t('ui.case.receipt')}</dt><dd>{found.receipt_no}</dd>
              <dt>{t('ui.case.kind')}</dt><dd>{found.kind_label}</dd>
              {found.deadline && <><dt>{t('ui.case.deadline')}</dt><dd>{formatDeadline(found.deadline, locale)}</dd></>}
            </dl>
            <ol class="timeline" aria-label={t('ui.case.timeline')}>
              {found.timeline.map((event, index) => (
                <li key={index}>
                  <p class="timeline-head"><strong>{event.action_label}</strong> <span class="meta">{formatDate(event.at, locale)}</span></p>
                </li>
              ))}
            </ol>
          </section>
        )}
      </div>
    </section>
  );
}
