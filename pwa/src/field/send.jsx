// The field area's writes: every one goes into the offline outbox first, with
// its Idempotency-Key, and those about one case or booking form a chain, so
// they reach the server in the order they were made (start, then resolve).

import { useRef, useState } from 'preact/hooks';

import { useApp } from '../context.js';
import { newKey } from '../outbox.js';
import { queueRequest, useOutbox } from '../outbox-client.js';

/** Each step's [from, to] status: what a queued (or just sent) step leads to, so the screen can go on offline. */
const STEPS = {
  start: ['assigned', 'in_progress'],
  request_info: ['in_progress', 'waiting_info'],
  resolve: ['in_progress', 'resolved'],
  check_in: ['booked', 'checked_in'],
  check_out: ['checked_in', 'done'],
};

export const caseChain = (id) => `case-${id}`;
export const bookingChain = (id) => `booking-${id}`;

/** The outbox records of one chain, oldest first. */
export function useChain(chain) {
  return useOutbox().filter((row) => row.chain === chain);
}

/**
 * {rows, status}: the chain's queued records, and the status once they are through.
 * A step that has just left the outbox (sent) still counts while the copy on screen
 * is from before it (the reload is on its way), so the screen never steps back and
 * a form being filled in is not taken away; once the copy has moved on, it is forgotten.
 */
export function useSteps(chain, status) {
  return useStepsOf(useChain(chain), status);
}

/** useSteps over rows already at hand (a list of many cases reads the outbox once). */
export function useStepsOf(rows, status) {
  const sent = useRef([]);
  const last = useRef(rows);
  const keys = new Set(rows.map((row) => row.key));
  for (const row of last.current) {
    if (!keys.has(row.key) && row.state !== 'failed') sent.current.push({ ...row, sent: true });
  }
  last.current = rows;
  let current = status;
  const still = [];
  for (const row of [...sent.current, ...rows]) {
    const step = STEPS[row.kind];
    if (!step || row.state === 'failed' || current == null) continue;
    if (row.sent && current !== step[0]) continue; // the copy on screen already has it
    if (row.sent) still.push(row);
    current = step[1];
  }
  sent.current = still;
  return { rows, status: current };
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
  // A live region: the step a tap queued is announced even though its button has gone.
  return (
    <div role="status">
      {rows.map((row) => (
        <p key={row.key} class={row.state === 'failed' ? 'message message-error' : 'notice'}>
          {t('ui.outbox.row', {
            kind: t(`ui.field.outbox_kind.${row.kind}`),
            status: row.state === 'failed' ? t('ui.outbox.failed', { reason: row.error || '' }) : t('ui.outbox.waiting_one'),
          })}
        </p>
      ))}
    </div>
  );
}
