// What a resident can do to their case besides supplying information and rating:
// withdraw it before acceptance, ask for it to be done again, confirm a document
// handover. Withdrawing and reopening go straight to the server (the answer
// decides what happens next); a handover confirmation waits in the outbox.

import { useState } from 'preact/hooks';

import { Feedback, useMove, useSend } from '../action.jsx';
import { useApp } from '../context.js';
import { ConfirmStep, formatDate } from '../ui.jsx';

// The server's REOPEN_DAYS, for the explanation only (the server offers `reopen` while it may be made).
export const REOPEN_DAYS = 15;

export function CancelCase({ id, onDone }) {
  const { t } = useApp();
  const { busy, error, move } = useMove(id, onDone);
  return (
    <section class="card" aria-labelledby="cancel-title">
      <h2 id="cancel-title">{t('ui.case.cancel_title')}</h2>
      <p id="cancel-explain">{t('ui.case.cancel_explain')}</p>
      <Feedback error={error} />
      <ConfirmStep
        action={t('ui.case.cancel')}
        question={t('ui.case.cancel_confirm')}
        yes={t('ui.case.cancel_yes')}
        no={t('ui.case.cancel_no')}
        busy={busy}
        describedBy="cancel-explain"
        onConfirm={() => move({ action: 'cancel' })}
      />
    </section>
  );
}

export function ReopenCase({ id, status, onDone }) {
  const { t } = useApp();
  const [note, setNote] = useState('');
  const { busy, error, fail, move } = useMove(id, onDone);
  const onSubmit = (event) => {
    event.preventDefault();
    if (!note.trim()) {
      fail(t('ui.case.reopen_reason_required'));
      return;
    }
    move({ action: 'reopen', note: note.trim() });
  };
  return (
    <form class="form card" onSubmit={onSubmit} noValidate aria-labelledby="reopen-title">
      <h2 id="reopen-title">{t('ui.case.reopen_title')}</h2>
      <p>{status === 'closed' ? t('ui.case.reopen_explain_closed') : t('ui.case.reopen_explain_resolved', { days: REOPEN_DAYS })}</p>
      <div class="field">
        <label for="reopen-note">{t('ui.case.reopen_label')}</label>
        <textarea id="reopen-note" class="input textarea" rows={3} maxLength={1000} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      </div>
      <Feedback error={error} />
      <button type="submit" class="button button-secondary button-wide" disabled={busy}>{t('ui.case.reopen_send')}</button>
    </form>
  );
}

/** Documents the grid worker took or gave back; the resident confirms each one. */
export function Handovers({ id, handovers, queued, onDone }) {
  const { t, locale } = useApp();
  // Sent: the case is reloaded; waiting: the outbox line for it shows on this screen.
  const { busy, error, send } = useSend((result) => result.state === 'sent' && onDone(), { waiting: null });
  function confirm(handover, label) {
    send({ path: `/cases/${id}/handovers/${handover.id}/confirm`, body: {}, kind: 'handover_confirm', label }, handover.id);
  }
  return (
    <section class="card" aria-labelledby="handovers-title">
      <h2 id="handovers-title">{t('ui.case.handovers')}</h2>
      <ul class="list">
        {handovers.map((handover) => {
          const items = handover.items.map((entry) => t('ui.case.handover_item', { name: entry.name, count: entry.count }));
          const label = items.join(t('ui.common.list_separator'));
          const waiting = queued.some((row) => row.path === `/cases/${id}/handovers/${handover.id}/confirm`);
          return (
            <li key={handover.id} class="handover">
              <p><strong>{handover.direction_label}</strong></p>
              <ul class="handover-items">
                {items.map((text, index) => <li key={index}>{text}</li>)}
              </ul>
              <p class="meta">{t('ui.case.handover_by', { name: handover.recorded_by, at: formatDate(handover.recorded_at, locale) })}</p>
              {handover.confirmed_at ? (
                <p class="status-line">{t('ui.case.handover_confirmed', { at: formatDate(handover.confirmed_at, locale) })}</p>
              ) : !waiting && (
                <>
                  <p id={`handover-hint-${handover.id}`}>{t('ui.case.handover_hint')}</p>
                  <button
                    type="button"
                    class="button button-primary"
                    aria-describedby={`handover-hint-${handover.id}`}
                    disabled={busy === handover.id}
                    onClick={() => confirm(handover, t('ui.case.handover_label', { direction: handover.direction_label, items: label }))}
                  >
                    {t('ui.case.handover_confirm')}
                  </button>
                </>
              )}
            </li>
          );
        })}
      </ul>
      <Feedback error={error} />
    </section>
  );
}
