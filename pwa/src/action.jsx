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
 * One call at a time with its answer line: {busy, message, error, done, run, fail, say}.
 * `run(call, done)` resolves to the answer (true when empty), or null after showing
 * why it failed; `done` is the line to show when it went through, or {done, busy,
 * describe}: `busy` is what `busy` reads while it runs (true unless told, e.g. which
 * button or row), `describe` as below for this call alone. `fail(text)` / `say(text)`
 * show a line of the screen's own. `message` is {error: bool, text} or null.
 *
 * Options, for every call of the screen: `offline` is the line when there is no
 * network (by default: this step needs one); `describe(failure)` a screen's own
 * line for a failure (falsy: the usual one); `initial` the message to start with
 * (or a function giving it, read once).
 */
export function useAction({ offline = null, describe = null, initial = null } = {}) {
  const { t } = useApp();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState(initial);
  function explain(failure, describeThis) {
    const own = (describeThis && describeThis(failure)) || (describe && describe(failure));
    if (own) return own;
    if (failure instanceof NetworkError) return offline || t('ui.case.offline_action');
    return describeError(t, failure);
  }
  async function run(call, options = null) {
    const { done: doneText = null, busy: what = true, describe: describeThis = null } = typeof options === 'string' ? { done: options } : options || {};
    setBusy(what);
    setMessage(null);
    try {
      const answer = await call();
      setMessage(doneText ? { error: false, text: doneText } : null);
      return answer === undefined || answer === null ? true : answer;
    } catch (failure) {
      setMessage({ error: true, text: explain(failure, describeThis) });
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
 * A write through the offline outbox: useAction() plus `send(entry, busy)`, which queues
 * {path, body, kind, label, chain?, method?, photos?} with a fresh key and resolves to
 * the outcome ({state: 'sent'} or the record still queued, or null if it could not be
 * stored); `busy` is what `busy` reads meanwhile (true unless told). Sent: `onSent(result)`
 * and the `sent` text; waiting for the network: the `waiting` text (null: none, the
 * screen's outbox lines say it); refused: the server's reason.
 */
export function useSend(onSent, { sent = null, waiting } = {}) {
  const { t, locale, session } = useApp();
  const action = useAction();
  async function send(entry, busy = true) {
    action.setBusy(busy);
    action.say(null);
    let result;
    try {
      result = await queueRequest({ key: newKey(), owner: session.user.id, locale, ...entry }, { wait: true });
    } catch {
      action.setBusy(false);
      action.fail(t('ui.field.store_failed'));
      return null;
    }
    action.setBusy(false);
    if (result.state === 'failed') action.fail(result.error);
    else action.say(result.state === 'sent' ? sent : waiting === undefined ? t('ui.outbox.waiting_one') : waiting);
    if (result.state !== 'failed' && onSent) onSent(result);
    return result;
  }
  return { ...action, send };
}

/**
 * The answer line, present (and empty) before there is one, so screen readers announce it:
 * `message` ({error, text}: an alert when refused, else a status), or `error` (an alert
 * line) or `done` (a status line) alone. `polite`: a status line even for a failure (an
 * outcome to be told, not a refusal); `children` follow the text while there is one.
 */
export function Feedback({ message, error, done, id, polite = false, children }) {
  let shown = message;
  if (message === undefined) shown = error ? { error: true, text: error } : done ? { error: false, text: done } : null;
  const alert = !polite && (shown ? shown.error : error !== undefined && done === undefined);
  const kind = shown ? (shown.error ? 'message message-error' : 'notice') : undefined;
  return <div id={id} role={alert ? 'alert' : 'status'} class={kind}>{shown ? shown.text : ''}{shown && children}</div>;
}
