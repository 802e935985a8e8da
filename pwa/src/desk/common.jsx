// Pieces the desk screens share: a case line with its deadline as the server
// computed it, a form's texts in both scripts, and downloading a spreadsheet.

import { useCallback, useEffect, useState } from 'preact/hooks';

import { Feedback, useAction } from '../action.jsx';
import { ApiError, apiRequest } from '../http.js';
import { useApp } from '../context.js';
import { SignalMark, UrgentMark, deadlineText } from '../clock.jsx';
import { formatDate } from '../ui.jsx';

/** The deadline the server computed (`bare`: the date alone, under a 办结期限 label) (end of the N-th working day) and its 即将到期 / 已超期 flags. */
export function Deadline({ item, bare = false }) {
  const { t, locale } = useApp();
  if (!item.deadline) return <span class={bare ? undefined : 'meta'}>{t('ui.desk.case.no_deadline')}</span>;
  const date = deadlineText(item, locale);
  return (
    <span class={bare ? undefined : 'meta'}>
      {bare ? date : t('ui.desk.case.deadline', { date })}
      {item.overdue && <strong class="desk-flag desk-flag-overdue">{t('ui.case.overdue')}</strong>}
      {item.due_soon && <strong class="desk-flag desk-flag-soon">{t('ui.desk.case.due_soon')}</strong>}
    </span>
  );
}

/** Text a clerk types in both scripts: a fieldset for each (the Traditional one says why); `children(script)` gives its fields. */
export function Bilingual({ children }) {
  const { t } = useApp();
  return (
    <div class="bilingual">
      {['hans', 'hant'].map((script) => (
        <fieldset key={script} class="fieldset">
          <legend>{t(`ui.desk.catalog.script_${script}`)}</legend>
          {script === 'hant' && <p class="meta">{t('ui.desk.catalog.hant_hint')}</p>}
          {children(script)}
        </fieldset>
      ))}
    </div>
  );
}

/** One case in a desk list: a link to its desk page, with 加急, status (`signal`: and 督办's colour), place, handler and deadline. */
export function CaseLine({ item, signal = false, children }) {
  const { t, locale } = useApp();
  return (
    <li class="card desk-case">
      <a class="card-title" id={`case-title-${item.id}`} href={`#/desk/cases/${item.id}`}>{item.title}</a>
      <span>
        <UrgentMark item={item} tag="span" />
        <span class={`status status-${item.status}`}>{item.status_label}</span>
        {signal && <SignalMark item={item} />}
      </span>
      <span class="meta">
        {item.kind_label} · {item.receipt_no} · {item.region.name} · {item.resident.name || item.resident.phone || ''} · {formatDate(item.created_at, locale)}
      </span>
      {item.assignee && <span class="meta">{t('ui.desk.case.assignee', { name: item.assignee.name })}</span>}
      <Deadline item={item} />
      {children}
    </li>
  );
}

/**
 * Every page of a cursor-paged list (up to `maxPages` of 100), so a 督办 list is
 * whole, not its newest hundred: {data: {items, next_cursor}, error, loading, stale, reload}.
 */
export function useAllPages(path, { maxPages = 10, limit = true } = {}) {
  const { api, locale, signOut } = useApp();
  const [state, setState] = useState({ data: null, error: null, stale: false, loading: true });
  const [round, setRound] = useState(0);
  const reload = useCallback(() => setRound((value) => value + 1), []);
  useEffect(() => {
    let alive = true;
    setState((current) => ({ ...current, loading: true, error: null }));
    (async () => {
      const items = [];
      let cursor = null;
      for (let page = 0; page < maxPages; page += 1) {
        const joiner = path.includes('?') ? '&' : '?';
        const query = [limit ? 'limit=100' : '', cursor ? `cursor=${cursor}` : ''].filter(Boolean).join('&');
        const answer = await api(query ? `${path}${joiner}${query}` : path);
        items.push(...answer.items);
        cursor = answer.next_cursor;
        if (!cursor) break;
      }
      return { items, next_cursor: cursor };
    })().then(
      (data) => { if (alive) setState({ data, error: null, stale: false, loading: false }); },
      (error) => {
        if (error instanceof ApiError && error.status === 401) signOut();
        if (alive) setState({ data: null, error, stale: false, loading: false });
      },
    );
    return () => { alive = false; };
  }, [path, locale, round, api, signOut, maxPages, limit]);
  return { ...state, reload };
}

/**
 * A spreadsheet from an authenticated GET: fetched with the bearer token, saved
 * through a blob link (the CSP allows no inline script, and a plain link cannot
 * carry the token).
 */
export async function download(session, locale, path, filename) {
  const response = await apiRequest(path, {
    token: session.access_token, locale, raw: true, timeout: 0, headers: { Accept: '*/*' },
  });
  const blob = await response.blob();
  const disposition = response.headers.get('Content-Disposition') || '';
  const named = /filename="([^"]+)"/.exec(disposition);
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = named ? named[1] : filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/** A button that downloads `path`, with its own busy and error lines. */
export function DownloadButton({ path, filename, label }) {
  const { t, session, locale } = useApp();
  const { busy, error, run } = useAction({ describe: () => t('ui.desk.download_failed') });
  const onClick = () => run(() => download(session, locale, path, filename));
  return (
    <>
      <button type="button" class="button button-secondary" disabled={busy} onClick={onClick}>{label}</button>
      <Feedback error={error} />
    </>
  );
}
