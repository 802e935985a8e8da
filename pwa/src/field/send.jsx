// The field area's writes: every one goes into the offline outbox first, with
// its Idempotency-Key, and those about one case or booking form a chain, so
// they reach the server in the order they were made (start, then resolve).

import { useState } from 'preact/hooks';

import { useApp } from '../context.js';
import { newKey } from '../outbox.js';
import { queueRequest, useOutbox } from '../outbox-client.js';

/** What a queued case move leads to, so the screen can go on offline. */
const CASE_TARGET = { start: 'in_progress', request_info: 'waiting_info', resolve: 'resolved' };
const BOOKING_TARGET = { check_in: 'checked_in', check_out: 'done' };

export const caseChain = (id) => `case-${id}`;
export const bookingChain = (id) => `booking-${id}`;

/** The outbox records of one chain, oldest first. */
export function useChain(chain) {
  return useOutbox().filter((row) => row.chain === chain);
}

/** The status once the chain's queued records are through (the server has the last word). */
export function expectedStatus(status, rows, targets) {
  let current = status;
  for (const row of rows) {
    if (row.state !== 'failed' && targets[row.kind]) current = targets[row.kind];
  }
  return current;
}

export function expectedCaseStatus(status, rows) {
  return expectedStatus(status, rows, CASE_TARGET);
}

export function expectedBookingStatus(status, rows) {
  return expectedStatus(status, rows, BOOKING_TARGET);
}

/**
 * {busy, message, send}: send(entry) queues {path, body, kind, label, chain?, method?, photos?}
 * and says whether it went out, waits for the network, or was refused.
 */
export function useSend(onSent) {
  const { t, locale, session } = useApp();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState(null); // {error: bool, text}
  async function send(entry) {
    setBusy(true);
    setMessage(null);
    let result;
    try {
      result = await queueRequest({ key: newKey(), token: session.access_token, locale, ...entry }, { wait: true });
    } catch {
      setBusy(false);
      setMessage({ error: true, text: t('ui.field.store_failed') });
      return null;
    }
    setBusy(false);
    if (result.state === 'failed') setMessage({ error: true, text: result.error });
    else setMessage({ error: false, text: result.state === 'sent' ? t('ui.field.sent') : t('ui.field.queued') });
    if (result.state !== 'failed' && onSent) onSent(result);
    return result;
  }
  return { busy, message, send };
}

/** The answer to the last action: a polite status line, or an alert when refused. */
export function Feedback({ message }) {
  if (message && message.error) return <div role="alert" class="message message-error">{message.text}</div>;
  return <div role="status" class={message ? 'notice' : undefined}>{message ? message.text : ''}</div>;
}

/** Outbox rows of a chain as lines ("开始办理：等待发送"), refused ones with the reason. */
export function QueuedLines({ rows }) {
  const { t } = useApp();
  return rows.map((row) => (
    <p key={row.key} class={row.state === 'failed' ? 'message message-error' : 'notice'}>
      {t('ui.outbox.row', {
        kind: t(`ui.field.outbox_kind.${row.kind}`),
        status: row.state === 'failed' ? t('ui.outbox.failed', { reason: row.error || '' }) : t('ui.outbox.waiting_one'),
      })}
    </p>
  ));
}
