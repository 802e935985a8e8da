// One case at the desk: its facts, the moves its state allows staff (受理, 不予受理
// with a reason, 派单, 改派, 督办提醒), the rating with its follow-up (followup.jsx),
// and the timeline.

import { useState } from 'preact/hooks';

import { Feedback, useMove } from '../action.jsx';
import { useApp } from '../context.js';
import { useApi } from '../data.js';
import { AskExtension, CaseClock, Extensions, RecordConsent, UrgentMark } from '../clock.jsx';
import { limitText } from '../clock.js';
import { Timeline } from '../screens/case.jsx';
import { ConfirmStep, LoadState, ScreenTitle, StartsOn, formatDate } from '../ui.jsx';
import { AssignForm } from './assign.jsx';
import { Deadline } from './common.jsx';
import { RatingDesk } from './followup.jsx';

export function CaseDesk({ id }) {
  const { t, locale } = useApp();
  const state = useApi(`/cases/${id}`);
  const rating = useApi(`/cases/${id}/rating`);
  const [done, setDone] = useState(null);
  const item = state.data;
  // The moves the server offers this reader now (GET /cases/{id} `actions`).
  const may = (action) => Boolean(item && item.actions && item.actions.includes(action));
  const after = (key) => () => {
    setDone(t(key));
    state.reload();
    rating.reload();
  };
  const said = (text) => {
    setDone(text);
    state.reload();
  };
  return (
    <section class="screen" aria-labelledby="screen-title">
      <p><a href="#/desk">{t('ui.desk.back_to_intake')}</a> · <a href="#/desk/supervise">{t('ui.desk.back_to_supervise')}</a></p>
      <ScreenTitle>{item ? item.title : t('ui.case.title')}</ScreenTitle>
      <LoadState state={state} />
      <div role="status" class={done ? 'notice' : undefined}>{done || ''}</div>
      {item && (
        <>
          <p class={`status status-${item.status}`}>{item.status_label}</p>
          <UrgentMark item={item} tag="p" />
          {item.status === 'submitted' && item.handling_starts_on && (
            <p class="notice starts-on"><StartsOn day={item.handling_starts_on} t={t} locale={locale} /></p>
          )}
          <dl class="facts">
            <dt>{t('ui.case.receipt')}</dt><dd>{item.receipt_no}</dd>
            <dt>{t('ui.case.kind')}</dt><dd>{item.kind_label}</dd>
            <dt>{t('ui.desk.case.resident')}</dt>
            <dd>{item.resident.name}{item.resident.phone ? ` ${item.resident.phone}` : ''}</dd>
            {item.submitted_by.id !== item.resident.id && (
              <><dt>{t('ui.desk.case.submitted_by')}</dt><dd>{item.submitted_by.name}</dd></>
            )}
            <dt>{t('ui.case.region')}</dt><dd>{item.region.name}</dd>
            {item.address && <><dt>{t('ui.desk.case.address')}</dt><dd>{item.address}</dd></>}
            <dt>{t('ui.desk.case.submitted_at')}</dt><dd>{formatDate(item.created_at, locale)}</dd>
            <dt>{t('ui.desk.case.time_limit')}</dt><dd>{limitText(t, item)}</dd>
            <dt>{t('ui.case.deadline')}</dt><dd><Deadline item={item} bare /></dd>
            <dt>{t('ui.desk.case.owner')}</dt><dd>{item.owner ? item.owner.name : t('ui.desk.case.nobody')}</dd>
            <dt>{t('ui.case.handler')}</dt>
            <dd>{item.assignee ? item.assignee.name : item.department || t('ui.desk.case.nobody')}</dd>
            {item.assignee && item.department && <><dt>{t('ui.desk.case.department')}</dt><dd>{item.department}</dd></>}
          </dl>
          <p class="description">{item.description}</p>
          {item.deadline && <CaseClock item={item} signal />}

          {(may('accept') || may('reject')) && <Intake item={item} onAccepted={after('ui.desk.case.accepted')} onRejected={after('ui.desk.case.rejected')} />}
          {may('assign') && <AssignForm item={item} action="assign" onDone={after('ui.desk.case.assigned')} />}
          {may('reassign') && <AssignForm item={item} action="reassign" onDone={after('ui.desk.case.assigned')} />}
          {may('remind') && (item.assignee || item.department) && <Remind item={item} onDone={after('ui.desk.case.reminded')} />}
          {may('extend') && <AskExtension item={item} onDone={said} />}
          {may('record_consent') && <RecordConsent item={item} onDone={said} />}
          <Extensions item={item} />
          {rating.data && rating.data.ratings.length > 0 && <RatingDesk data={rating.data} onDone={() => rating.reload()} />}

          <h2>{t('ui.case.timeline')}</h2>
          <Timeline events={item.timeline} />
        </>
      )}
    </section>
  );
}

function Intake({ item, onAccepted, onRejected }) {
  const { t } = useApp();
  const accept = useMove(item.id, onAccepted);
  const reject = useMove(item.id, onRejected);
  const [reason, setReason] = useState('');
  // 加急 as filed (a resident's urgent complaint); staff may mark or clear it as they accept.
  const [urgent, setUrgent] = useState(Boolean(item.urgent));
  const onReject = () => {
    if (!reason.trim()) {
      reject.fail(t('ui.desk.intake.reason_required'));
      return;
    }
    reject.move({ action: 'reject', note: reason.trim() });
  };
  return (
    <>
      <section class="card" aria-labelledby="accept-title">
        <h2 id="accept-title">{t('ui.desk.intake.accept_title')}</h2>
        <p id="accept-explain">{t('ui.desk.intake.accept_explain', { days: item.time_limit_days })}</p>
        <label class="choice">
          <input type="checkbox" checked={urgent} onChange={(e) => setUrgent(e.currentTarget.checked)} />
          {t('ui.clock.accept_urgent')}
        </label>
        <Feedback error={accept.error} />
        <button type="button" class="button button-primary" aria-describedby="accept-explain" disabled={accept.busy} onClick={() => accept.move({ action: 'accept', urgent })}>
          {t('case.action.accept')}
        </button>
      </section>
      <section class="card" aria-labelledby="reject-title">
        <h2 id="reject-title">{t('ui.desk.intake.reject_title')}</h2>
        <div class="field">
          <label for="reject-reason">{t('ui.desk.intake.reason')}</label>
          <textarea id="reject-reason" class="input textarea" rows={3} maxLength={2000} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
        </div>
        <Feedback error={reject.error} />
        <ConfirmStep
          action={t('case.action.reject')}
          question={t('ui.desk.intake.reject_confirm')}
          yes={t('ui.desk.intake.reject_yes')}
          no={t('ui.desk.intake.reject_no')}
          busy={reject.busy}
          onConfirm={onReject}
        />
      </section>
    </>
  );
}

/** 督办提醒: the assignee (or the owner) gets a message; the case keeps its state. */
export function Remind({ item, onDone, compact = false, describedBy }) {
  const { t } = useApp();
  const { busy, error, move } = useMove(item.id, onDone);
  const [note, setNote] = useState('');
  const button = (
    <button
      type="button"
      class="button button-primary"
      aria-describedby={compact ? describedBy || `case-title-${item.id}` : undefined}
      disabled={busy}
      onClick={() => move({ action: 'remind', note: note.trim() })}
    >
      {t('case.action.remind')}
    </button>
  );
  if (compact) {
    return <>{button}<Feedback error={error} /></>;
  }
  return (
    <section class="card" aria-labelledby="remind-title">
      <h2 id="remind-title">{t('ui.desk.remind.title')}</h2>
      <p>{t('ui.desk.remind.explain')}</p>
      <div class="field">
        <label for="remind-note">{t('ui.desk.note_optional')}</label>
        <textarea id="remind-note" class="input textarea" rows={2} maxLength={2000} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      </div>
      <Feedback error={error} />
      {button}
    </section>
  );
}
