// The one way a screen runs an action and says how it went: useAction() for a
// call straight to the server, useSend() for a write through the offline outbox,
// and <Feedback> for the line that answers (an alert when refused, else a polite status).

import { useState } from 'preact/hooks';

import { useApp } from './context.js';
import { ApiError, NetworkError } from './http.js';
import { newKey } from './outbox.js';
import { queueRequest } from './outbox-client.js';

export function describeError(t, error) {
  if (error instanceof NetworkError) return t('ui.common.network_error');
  if (error instanceof ApiError && error.serverMessage) return error.serverMessage;
  return t('error.internal');
}

/**
 * One call at a time with its answer line: {busy, message, error, run, fail, say}.
 * `run(call, doneText)` resolves to the answer (true when empty), or null after
 * showing the error (offline: that it needs a network); `fail(text)` / `say(text)`
 * show a line of the screen's own. `message` is {error: bool, text} or null.
 */
export function useAction() {
  const { t } = useApp();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState(null);
  async function run(call, doneText = null) {
    setBusy(true);
    setMessage(null);
    try {
      const answer = await call();
      setMessage(doneText ? { error: false, text: doneText } : null);
      return answer === undefined || answer === null ? true : answer;
    } catch (failure) {
      setMessage({ error: true, text: failure instanceof NetworkError ? t('ui.case.offline_action') : describeError(t, failure) });
      return null;
    } finally {
      setBusy(false);
    }
  }
  const fail = (text) => setMessage(text ? { error: true, text } : null);
  const say = (text) => setMessage(text ? { error: false, text } : null);
  const error = message && message.error ? message.text : null;
  const done = message && !message.error ? message.text : null;
  return { busy, message, error, done, run, fail, say, setBusy };
}

/**
 * A case move sent at once, not queued (the answer decides what happens next):
 * useAction() plus `move(body)`, which resolves to whether it went through and
 * calls `onDone(answer)` when it did.
 */
export function useMove(id, onDone) {
  const { api } = useApp();
  const action = useAction();
  async function move(body) {
    const answer = await action.run(() => api(`/cases/${id}/transitions`, { method: 'POST', body, headers: { 'Idempotency-Key': newKey() } }));
    if (answer) onDone(answer);
    return Boolean(answer);
  }
  return { ...action, move };
}

/**
 * A write through the offline outbox: useAction() plus `send(entry)`, which queues
 * {path, body, kind, label, chain?, method?, photos?} with a fresh key and resolves to
 * the outcome ({state: 'sent'} or the record still queued, or null if it could not be
 * stored). Sent: `onSent(result)` and the `sent` text; waiting for the network: the
 * `waiting` text; refused: the server's reason.
 */
export function useSend(onSent, { sent = null, waiting } = {}) {
  const { t, locale, session } = useApp();
  const action = useAction();
  async function send(entry) {
    action.setBusy(true);
    action.say(null);
    let result;
    try {
      result = await queueRequest({ key: newKey(), token: session.access_token, locale, ...entry }, { wait: true });
    } catch {
      action.setBusy(false);
      action.fail(t('ui.field.store_failed'));
      return null;
    }
    action.setBusy(false);
    if (result.state === 'failed') action.fail(result.error);
    else action.say(result.state === 'sent' ? sent : waiting || t('ui.outbox.waiting_one'));
    if (result.state !== 'failed' && onSent) onSent(result);
    return result;
  }
  return { ...action, send };
}

/**
 * The answer line, present (and empty) before there is one, so screen readers announce it:
 * `message` ({error, text}: an alert when refused, else a status), or `error` (an alert
 * line) or `done` (a status line) alone.
 */
export function Feedback({ message, error, done, id }) {
  let shown = message;
  if (message === undefined) shown = error ? { error: true, text: error } : done ? { error: false, text: done } : null;
  const alert = shown ? shown.error : error !== undefined && done === undefined;
  const kind = shown ? (shown.error ? 'message message-error' : 'notice') : undefined;
  return <div id={id} role={alert ? 'alert' : 'status'} class={kind}>{shown ? shown.text : ''}</div>;
}
