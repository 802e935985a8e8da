// A bad rating's follow-up at the desk: the ratings with their appeal state, a
// flag for a malicious one (an admin decides), and the follow-up steps: the
// callback (回访) within 1 working day, then the fix (整改) within 5.

import { useState } from 'preact/hooks';

import { Feedback, useAction } from '../action.jsx';
import { useApp } from '../context.js';
import { formatDate } from '../ui.jsx';

const OUTCOMES = ['verified', 'rectified', 'explained', 'not_responsible'];

export function RatingDesk({ data, onDone }) {
  const { t } = useApp();
  return (
    <section class="card" aria-labelledby="ratings-title">
      <h2 id="ratings-title">{t('ui.desk.rating.title')}</h2>
      <ul class="list">
        {data.ratings.map((rating) => <RatingEntry key={rating.id} rating={rating} onDone={onDone} />)}
      </ul>
      {data.follow_up && <FollowUp followUp={data.follow_up} onDone={onDone} />}
    </section>
  );
}

function RatingEntry({ rating, onDone }) {
  const { t, locale, api } = useApp();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const { busy, error, run, fail } = useAction({ offline: t('ui.common.network_error') });
  const onSubmit = async (event) => {
    event.preventDefault();
    if (!reason.trim()) {
      fail(t('ui.desk.rating.reason_required'));
      return;
    }
    if (await run(() => api(`/ratings/${rating.id}/flag`, { method: 'POST', body: { reason: reason.trim() } }))) {
      setOpen(false);
      onDone();
    }
  };
  return (
    <li class="rating">
      <p><strong>{rating.level_label}</strong> <span class="meta">{formatDate(rating.created_at, locale)}</span></p>
      {rating.tag_labels.length > 0 && <p>{rating.tag_labels.join(t('ui.common.list_separator'))}</p>}
      {rating.comment && <p>{rating.comment}</p>}
      {rating.flag_status !== 'none' && <p class="status-line">{t(`ui.desk.rating.flag_status.${rating.flag_status}`)}</p>}
      {rating.flag_status === 'none' && rating.score <= 2 && !open && (
        <button type="button" class="button button-secondary" onClick={() => setOpen(true)}>{t('ui.desk.rating.flag')}</button>
      )}
      {open && (
        <form class="form" onSubmit={onSubmit} noValidate>
          <div class="field">
            <label for={`flag-reason-${rating.id}`}>{t('ui.desk.rating.flag_reason')}</label>
            <textarea id={`flag-reason-${rating.id}`} class="input textarea" rows={3} maxLength={1000} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
          </div>
          <Feedback error={error} />
          <div class="actions">
            <button type="submit" class="button button-danger" disabled={busy}>{t('ui.desk.rating.flag_send')}</button>
            <button type="button" class="button button-secondary" disabled={busy} onClick={() => setOpen(false)}>{t('ui.desk.cancel')}</button>
          </div>
        </form>
      )}
    </li>
  );
}

function FollowUp({ followUp, onDone }) {
  const { t, locale, api } = useApp();
  const next = !followUp.callback_at ? 'callback' : !followUp.fixed_at ? 'fix' : null;
  const [outcome, setOutcome] = useState('');
  const [note, setNote] = useState('');
  const { busy, error, run, fail } = useAction({ offline: t('ui.common.network_error') });
  const onSubmit = async (event) => {
    event.preventDefault();
    if (!outcome || !note.trim()) {
      fail(t('ui.desk.followup.required'));
      return;
    }
    if (await run(() => api(`/follow-ups/${followUp.id}/steps`, { method: 'POST', body: { step: next, outcome, note: note.trim() } }))) {
      setOutcome('');
      setNote('');
      onDone();
    }
  };
  return (
    <div class="followup">
      <h3>{t('ui.desk.followup.title')}</h3>
      <dl class="facts">
        <dt>{t('ui.desk.followup.callback_due')}</dt>
        <dd>{formatDate(followUp.callback_due, locale)}{followUp.callback_at && ` · ${t('ui.desk.followup.done_at', { at: formatDate(followUp.callback_at, locale) })}`}</dd>
        <dt>{t('ui.desk.followup.fix_due')}</dt>
        <dd>{formatDate(followUp.fix_due, locale)}{followUp.fixed_at && ` · ${t('ui.desk.followup.done_at', { at: formatDate(followUp.fixed_at, locale) })}`}</dd>
      </dl>
      {followUp.overdue && <p class="warn">{t('ui.desk.followup.overdue')}</p>}
      {followUp.steps.length > 0 && (
        <ol class="timeline">
          {followUp.steps.map((step, index) => (
            <li key={index}>
              <p><strong>{t(`ui.desk.followup.step.${step.step}`)}</strong> · {step.outcome_label} <span class="meta">{formatDate(step.at, locale)} · {step.actor_name}</span></p>
              <p>{step.note}</p>
            </li>
          ))}
        </ol>
      )}
      {next ? (
        <form class="form" onSubmit={onSubmit} noValidate aria-labelledby="followup-step-title">
          <h3 id="followup-step-title">{t(`ui.desk.followup.record.${next}`)}</h3>
          <div class="field">
            <label for="followup-outcome">{t('ui.desk.followup.outcome')}</label>
            <select id="followup-outcome" class="input" value={outcome} onChange={(e) => setOutcome(e.currentTarget.value)}>
              <option value="">{t('ui.region.choose')}</option>
              {OUTCOMES.map((value) => <option key={value} value={value}>{t(`rating.outcome.${value}`)}</option>)}
            </select>
          </div>
          <div class="field">
            <label for="followup-note">{t('ui.desk.followup.note')}</label>
            <textarea id="followup-note" class="input textarea" rows={3} maxLength={2000} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
          </div>
          <Feedback error={error} />
          <button type="submit" class="button button-primary" disabled={busy}>{t(`ui.desk.followup.record.${next}`)}</button>
        </form>
      ) : (
        <p class="status-line">{t('ui.desk.followup.finished')}</p>
      )}
    </div>
  );
}
