// Small shared pieces of every screen.

import { useEffect, useRef, useState } from 'preact/hooks';

import { describeError } from './action.jsx';
import { startsOnText } from './clock.js';
import { useApp, useDocumentTitle } from './context.js';

/** The screen's one h1; focus lands on it when the screen changes. */
export function ScreenTitle({ children, id = 'screen-title' }) {
  const { t } = useApp();
  useDocumentTitle(`${children} - ${t('app.name')}`);
  return <h1 id={id} tabIndex={-1}>{children}</h1>;
}

/** Loading / error / "saved copy" lines for a useApi() state. */
export function LoadState({ state }) {
  const { t } = useApp();
  if (state.loading && !state.data) return <p role="status">{t('app.loading')}</p>;
  if (state.error) {
    return (
      <div class="message message-error" role="alert">
        <p>{describeError(t, state.error)}</p>
        <button type="button" class="button button-secondary" onClick={state.reload}>{t('app.retry')}</button>
      </div>
    );
  }
  if (state.stale) return <p class="notice" role="status">{t('ui.common.offline_copy')}</p>;
  return null;
}

// Deadlines are the end of a working day in mainland China: show them on that clock,
// and on the 24-hour dial township forms use in both scripts (zh-TW would say 下午03:45).
const TIME_ZONE = 'Asia/Shanghai';

export function formatDate(value, locale) {
  if (!value) return '';
  const date = new Date(value);
  try {
    return date.toLocaleString(locale === 'zh-Hant' ? 'zh-TW' : 'zh-CN', {
      year: 'numeric', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
      timeZone: TIME_ZONE,
    });
  } catch {
    return date.toISOString().slice(0, 16).replace('T', ' ');
  }
}

export function formatDay(value, locale) {
  if (!value) return '';
  const date = new Date(value.length === 10 ? `${value}T00:00:00` : value);
  try {
    return date.toLocaleDateString(locale === 'zh-Hant' ? 'zh-TW' : 'zh-CN', {
      month: 'numeric', day: 'numeric', weekday: 'short',
    });
  } catch {
    return value.slice(0, 10);
  }
}

/**
 * "周一（1月4日）开始受理": the working day the office starts on a case filed outside
 * office hours (`handling_starts_on`, a date), in the reader's script.
 */
export function StartsOn({ day, t, locale }) {
  const text = startsOnText(t, day, locale);
  return text ? <>{text}</> : null;
}

/** The day a deadline falls on (it is the end of that working day). */
export function formatDeadline(value, locale) {
  try {
    return new Date(value).toLocaleDateString(locale === 'zh-Hant' ? 'zh-TW' : 'zh-CN', {
      year: 'numeric', month: 'long', day: 'numeric', weekday: 'short', timeZone: TIME_ZONE,
    });
  } catch {
    return value.slice(0, 10);
  }
}

/**
 * A destructive action asked twice without a pop-up (none in 长辈模式): the first
 * tap shows the question and two buttons in place; focus moves to the question.
 *
 *   <ConfirmStep action={t('ui.case.cancel')} question={…} yes={…} no={…} busy={busy} onConfirm={cancel} />
 */
export function ConfirmStep({ action, question, yes, no, busy, onConfirm, describedBy }) {
  const [asking, setAsking] = useState(false);
  const questionRef = useRef(null);
  useEffect(() => {
    if (asking && questionRef.current) questionRef.current.focus();
  }, [asking]);
  if (!asking) {
    return (
      <button type="button" class="button button-secondary" aria-describedby={describedBy} disabled={busy} onClick={() => setAsking(true)}>
        {action}
      </button>
    );
  }
  return (
    <div class="confirm-step">
      <p class="confirm-question" tabIndex={-1} ref={questionRef}>{question}</p>
      <div class="actions">
        <button type="button" class="button button-danger" disabled={busy} onClick={onConfirm}>{yes}</button>
        <button type="button" class="button button-secondary" disabled={busy} onClick={() => setAsking(false)}>{no}</button>
      </div>
    </div>
  );
}
