// One case in the worker's hands: who it is for (with a call button), what is
// asked, and the next step — start, ask for information, resolve with a note and
// photos — plus the documents handed over on a proxy case. Every step goes
// through the outbox; offline, the screen goes on from the status the queued
// steps lead to, and they are sent in order when the network returns.

import { useState } from 'preact/hooks';

import { Feedback } from '../action.jsx';
import { useApp } from '../context.js';
import { useReloadWhenSent } from '../outbox-client.js';
import { useApi } from '../data.js';
import { Timeline } from '../screens/case.jsx';
import { CaseClock, Extensions, UrgentMark, deadlineText } from '../clock.jsx';
import { LoadState, ScreenTitle, formatDate } from '../ui.jsx';
import { HandoverForm, HandoverList } from './handovers.jsx';
import { PhotoInput } from './photo-input.jsx';
import { caseChain, QueuedLines, stepsFrom, useFieldSend, useSteps } from './send.jsx';

const CLOSED = new Set(['resolved', 'closed', 'cancelled', 'rejected']);

export function FieldCaseScreen({ id }) {
  const { t, locale, session } = useApp();
  const state = useApi(`/cases/${id}`, { offline: true });
  const handovers = useApi(`/cases/${id}/handovers`, { offline: true });
  const item = state.data;
  const { rows: queued, status, moved, table } = useSteps(caseChain(id), item ? item.status : null);
  const reload = () => {
    state.reload();
    handovers.reload();
  };
  // A step left the outbox (sent by this page, another tab or the worker): show the server's view.
  useReloadWhenSent(queued.length, reload);

  const mine = item && item.assignee && item.assignee.id === session.user.id;
  // The server's word on what this worker may do now; after steps still in the outbox,
  // the moves the same part may make from where those lead (the table from the server).
  const actions = !item ? [] : moved ? stepsFrom(table, status, moved.party) : item.actions || [];
  return (
    <section class="screen" aria-labelledby="screen-title">
      <p><a class="list-link" href="#/field">{t('ui.field.case.back')}</a></p>
      <ScreenTitle>{item ? item.title : t('ui.case.title')}</ScreenTitle>
      <LoadState state={state} />
      {item && (
        <>
          <p class={`status status-${status}`}>{t(`case.status.${status}`)}</p>
          <UrgentMark item={item} tag="p" />
          {item.overdue && <p class="flag flag-overdue">{t('ui.case.overdue')}</p>}
          {item.due_soon && <p class="flag flag-due-soon">{t('ui.field.queue.due_soon')}</p>}
          <dl class="facts">
            <dt>{t('ui.case.receipt')}</dt><dd>{item.receipt_no}</dd>
            <dt>{t('ui.case.kind')}</dt><dd>{item.kind_label}</dd>
            <dt>{t('ui.case.deadline')}</dt>
            <dd>{item.deadline ? deadlineText(item, locale) : t('ui.field.queue.no_deadline')}</dd>
            <dt>{t('ui.field.case.resident')}</dt><dd>{item.resident.name || item.resident.phone}</dd>
            <dt>{t('ui.case.region')}</dt><dd>{item.region ? item.region.name : ''}</dd>
            {item.address && <><dt>{t('ui.field.case.address')}</dt><dd>{item.address}</dd></>}
            {item.identity_check && (
              <><dt>{t('ui.field.identity.label')}</dt><dd>{t(`ui.field.identity.${item.identity_check}`)}</dd></>
            )}
            <dt>{t('ui.field.case.created')}</dt><dd>{formatDate(item.created_at, locale)}</dd>
          </dl>
          {/* Withheld (filed for a resident no region places): a masked number, not one to call. */}
          {item.resident.phone && !item.resident.withheld && (
            <p><a class="button button-secondary" href={`tel:${item.resident.phone}`}>{t('ui.field.case.call', { name: item.resident.name })}</a></p>
          )}
          <p>{item.description}</p>
          {item.deadline && <CaseClock item={item} signal />}
          <Extensions item={item} />

          <QueuedLines rows={queued} />
          {mine ? <NextStep id={id} status={status} actions={actions} /> : !CLOSED.has(status) && <p class="notice">{t('ui.field.case.not_mine')}</p>}

          <section class="card" aria-labelledby="handovers-title">
            <h2 id="handovers-title">{t('ui.case.handovers')}</h2>
            <LoadState state={handovers} />
            {handovers.data && <HandoverList items={handovers.data.items} />}
            {!CLOSED.has(status) && <HandoverForm caseId={id} />}
          </section>

          <h2>{t('ui.case.timeline')}</h2>
          <Timeline events={item.timeline} />
        </>
      )}
    </section>
  );
}

/** The assignee's next step for the status the case is in (or will be, once the outbox is through). */
function NextStep({ id, status, actions }) {
  const { t } = useApp();
  return (
    <>
      {actions.includes('start') && <StartCase id={id} />}
      {actions.includes('resolve') && <ResolveCase id={id} />}
      {actions.includes('request_info') && <RequestInfo id={id} />}
      {status === 'waiting_info' && <p class="notice">{t('ui.field.case.waiting_info')}</p>}
    </>
  );
}

function StartCase({ id }) {
  const { t } = useApp();
  const { busy, message, send } = useFieldSend();
  const start = () => send({
    path: `/cases/${id}/transitions`, body: { action: 'start' }, chain: caseChain(id), kind: 'start', label: t('ui.field.case.start'),
  });
  return (
    <section class="card" aria-labelledby="start-title">
      <h2 id="start-title">{t('ui.field.case.start_title')}</h2>
      <p id="start-explain">{t('ui.field.case.start_explain')}</p>
      <Feedback message={message} />
      <button type="button" class="button button-primary button-wide" aria-describedby="start-explain" disabled={busy} onClick={start}>
        {t('ui.field.case.start')}
      </button>
    </section>
  );
}

/**
 * A step whose note is required (the resident reads it as the answer to their
 * case), with photos where the form offers them: {note, setNote, photos,
 * setPhotos, busy, feedback, onSubmit}.
 */
function useNoteStep(id, action) {
  const { t } = useApp();
  const [note, setNote] = useState('');
  const [photos, setPhotos] = useState([]);
  const { busy, message, send, fail } = useFieldSend(() => {
    setNote('');
    setPhotos([]);
  });
  const onSubmit = (event) => {
    event.preventDefault();
    if (!note.trim()) {
      fail(t('ui.field.case.note_required'));
      return;
    }
    send({
      path: `/cases/${id}/transitions`, body: { action, note: note.trim() }, photos,
      chain: caseChain(id), kind: action, label: note.trim(),
    });
  };
  return { note, setNote, photos, setPhotos, busy, feedback: message, onSubmit };
}

function ResolveCase({ id }) {
  const { t } = useApp();
  const { note, setNote, photos, setPhotos, busy, feedback, onSubmit } = useNoteStep(id, 'resolve');
  return (
    <form class="form card" onSubmit={onSubmit} noValidate aria-labelledby="resolve-title">
      <h2 id="resolve-title">{t('ui.field.case.resolve_title')}</h2>
      <div class="field">
        <label for="resolve-note">{t('ui.field.case.resolve_note')}</label>
        <textarea id="resolve-note" class="input textarea" rows={4} maxLength={2000} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      </div>
      <PhotoInput id="resolve-photos" photos={photos} onChange={setPhotos} />
      <Feedback message={feedback} />
      <button type="submit" class="button button-primary button-wide" disabled={busy}>{t('ui.field.case.resolve')}</button>
    </form>
  );
}

function RequestInfo({ id }) {
  const { t } = useApp();
  const { note, setNote, busy, feedback, onSubmit } = useNoteStep(id, 'request_info');
  return (
    <form class="form card" onSubmit={onSubmit} noValidate aria-labelledby="info-title">
      <h2 id="info-title">{t('ui.field.case.info_title')}</h2>
      <div class="field">
        <label for="info-note">{t('ui.field.case.info_note')}</label>
        <textarea id="info-note" class="input textarea" rows={3} maxLength={2000} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      </div>
      <Feedback message={feedback} />
      <button type="submit" class="button button-secondary button-wide" disabled={busy}>{t('ui.field.case.info_send')}</button>
    </form>
  );
}
