// 我的任务: the cases assigned to me that are still open, the nearest deadline
// first, overdue and due-soon marked. Kept for reading offline, with each case's
// detail, so a worker can open and handle a case where there is no signal.

import { useEffect } from 'preact/hooks';

import { useApp } from '../context.js';
import { useApi } from '../data.js';
import { OutboxStatus } from '../nav.jsx';
import { useOutbox, useReloadWhenSent } from '../outbox-client.js';
import { routeQuery } from '../router.js';
import { PendingList } from '../screens/cases.jsx';
import { readCached, writeCached } from '../store.js';
import { UrgentMark, deadlineText } from '../clock.jsx';
import { LoadState, ScreenTitle } from '../ui.jsx';
import { caseChain, useStepsOf } from './send.jsx';

// One list per open status: the server pages newest first, and closed cases must
// not push old open ones off the page.
const OPEN = ['assigned', 'in_progress', 'waiting_info'];
const PAGE = 100;
const PREFETCH = 20;

/** Open cases of mine, urgent ones first, then soonest deadline first; cases without one (sent to me before acceptance) last. */
export function sortByDeadline(items) {
  const at = (item) => (item.deadline ? new Date(item.deadline).getTime() : Infinity);
  return [...items].sort((a, b) => (b.urgent ? 1 : 0) - (a.urgent ? 1 : 0) || at(a) - at(b) || a.id - b.id);
}

function useQueue() {
  const { session } = useApp();
  const me = session.user.id;
  const path = (status) => `/cases?assignee=${me}&status=${status}&limit=${PAGE}`;
  // One call per open status, written out: hooks may not be called in a loop.
  const lists = [
    useApi(path(OPEN[0]), { offline: true }),
    useApi(path(OPEN[1]), { offline: true }),
    useApi(path(OPEN[2]), { offline: true }),
  ];
  const loaded = lists.filter((list) => list.data);
  const items = sortByDeadline(loaded.flatMap((list) => list.data.items));
  return {
    items,
    ready: loaded.length === lists.length,
    state: lists.find((list) => list.error) || lists.find((list) => list.stale) || lists[0],
    reload: () => lists.forEach((list) => list.reload()),
  };
}

export function QueueScreen() {
  const { t, locale, api, session } = useApp();
  const queue = useQueue();
  const rows = useOutbox();
  const query = routeQuery();
  const justSent = query.get('sent') === '1';
  const justQueued = query.get('queued') === '1';
  const fresh = queue.ready && !queue.state.stale && !queue.state.error;
  // Something left the outbox: the server's lists have moved on (not on the first render: one bar of signal).
  useReloadWhenSent(rows.length, queue.reload);
  // Each case's detail and the area's lists, once, so they open without a network too.
  useEffect(() => {
    if (fresh) keepForOffline(queue.items.slice(0, PREFETCH), api, `${session.user.id}|${locale}`);
  }, [fresh, queue.items.length]); // eslint-disable-line react-hooks/exhaustive-deps -- once per fresh list, not per render's new array

  return (
    <section class="screen" aria-labelledby="screen-title">
      <ScreenTitle>{t('ui.field.queue.title')}</ScreenTitle>
      {justSent && <p class="notice">{t('ui.field.proxy.sent')}</p>}
      {justQueued && <p class="notice">{t('ui.field.queued')}</p>}
      <OutboxStatus />
      <PendingList rows={rows.filter((row) => row.state === 'failed')} kindLabel={(kind) => t(`ui.field.outbox_kind.${kind}`)} />
      <LoadState state={queue.state} />
      {queue.ready && (queue.items.length ? (
        <ul class="list" aria-label={t('ui.field.queue.list_label', { count: queue.items.length })}>
          {queue.items.map((item) => <QueueItem key={item.id} item={item} rows={rows} locale={locale} />)}
        </ul>
      ) : (
        <p>{t('ui.field.queue.empty')}</p>
      ))}
      <p><a class="button button-secondary" href="#/field/residents">{t('ui.field.queue.proxy_link')}</a></p>
    </section>
  );
}

function QueueItem({ item, rows, locale }) {
  const { t } = useApp();
  const { rows: queued, status } = useStepsOf(rows.filter((row) => row.chain === caseChain(item.id)), item.status);
  return (
    <li>
      <a class={`card card-link${item.overdue ? ' card-overdue' : item.due_soon ? ' card-due-soon' : ''}`} href={`#/field/cases/${item.id}`}>
        <span class="card-title">{item.title}</span>
        <UrgentMark item={item} tag="span" />
        {item.overdue && <span class="flag flag-overdue">{t('ui.case.overdue')}</span>}
        {item.due_soon && <span class="flag flag-due-soon">{t('ui.field.queue.due_soon')}</span>}
        <span class={`status status-${status}`}>{t(`case.status.${status}`)}</span>
        {queued.length > 0 && <span class="meta">{t('ui.field.queue.queued', { count: queued.length })}</span>}
        <span class="meta">
          {item.deadline ? t('ui.field.queue.deadline', { day: deadlineText(item, locale) }) : t('ui.field.queue.no_deadline')}
        </span>
        <span class="meta">{t('ui.field.queue.who', { name: item.resident.name || item.resident.phone || '', region: item.region.name })} · {item.receipt_no}</span>
      </a>
    </li>
  );
}

// The other screens' lists, so the area opens offline even where the worker has not been yet.
const AREA_LISTS = ['/residents?limit=200', '/bookings', '/services'];

/** Stores what is not stored yet (the area's lists, each queued case and its handovers), one request at a time. */
async function keepForOffline(items, api, prefix) {
  const paths = [...AREA_LISTS, ...items.flatMap((item) => [`/cases/${item.id}`, `/cases/${item.id}/handovers`])];
  for (const path of paths) {
    const key = `${prefix}|${path}`;
    if ((await readCached(key)) !== undefined) continue;
    try {
      await writeCached(key, await api(path));
    } catch {
      return; // the network went: the rest next time
    }
  }
}
