// My cases: what is still waiting in the outbox, then the server's list
// (kept for reading offline).

import { useEffect } from 'preact/hooks';

import { useApp } from '../context.js';
import { useApi } from '../data.js';
import { OutboxStatus } from '../nav.jsx';
import { removeEntry, retryEntry } from '../outbox.js';
import { flushNow, useOutbox } from '../outbox-client.js';
import { routeQuery } from '../router.js';
import { LoadState, ScreenTitle, StartsOn, formatDate } from '../ui.jsx';
import { UrgentMark } from '../clock.jsx';

export function CasesScreen() {
  const { t, locale } = useApp();
  const rows = useOutbox();
  const cases = useApi('/cases', { offline: true });
  const justSent = routeQuery().get('sent') === '1';
  // Everything queued shows here (cases, supplied information, ratings), so a
  // refused one can always be seen, retried or deleted.
  const pending = rows;
  // A record leaving the outbox is a case the server now has.
  const reloadCases = cases.reload;
  useEffect(() => reloadCases(), [pending.length, reloadCases]);

  return (
    <section class="screen" aria-labelledby="screen-title">
      <ScreenTitle>{t('ui.cases.title')}</ScreenTitle>
      {justSent && <p class="notice">{t('ui.cases.just_sent')}{justSentStart(pending, cases.data)}</p>}
      <p><a class="button button-secondary" href="#/bookings">{t('ui.bookings.link')}</a></p>
      <OutboxStatus />
      <PendingList rows={pending} />
      <LoadState state={cases} />
      {cases.data && (cases.data.items.length ? (
        <ul class="list">
          {cases.data.items.map((item) => (
            <li key={item.id}>
              <a class="card card-link" href={`#/cases/${item.id}`}>
                <span class="card-title">{item.title}</span>
                <UrgentMark item={item} tag="span" />
                <span class={`status status-${item.status}`}>{item.status_label}</span>
                <span class="meta">{item.kind_label} · {item.receipt_no} · {formatDate(item.created_at, locale)}</span>
                {item.overdue && <span class="meta warn">{t('ui.case.overdue')}</span>}
                {item.status === 'submitted' && item.handling_starts_on && (
                  <span class="meta starts-on"><StartsOn day={item.handling_starts_on} t={t} locale={locale} /></span>
                )}
              </a>
            </li>
          ))}
        </ul>
      ) : (
        <p>{t('ui.cases.empty')}</p>
      ))}
    </section>
  );
}

/** After sending: when the office starts on it, if it was filed outside office hours (the newest case). */
function JustSentStart({ day }) {
  const { t, locale } = useApp();
  return <> <StartsOn day={day} t={t} locale={locale} /></>;
}

function justSentStart(pending, data) {
  const newest = !pending.some((row) => row.kind === 'case') && data && data.items[0];
  return newest && newest.status === 'submitted' && newest.handling_starts_on
    ? <JustSentStart day={newest.handling_starts_on} />
    : null;
}

/**
 * What waits in the outbox, each with 重新提交 / 删除 once refused. `kindLabel`
 * names a record's kind (the field area's kinds have their own texts).
 */
export function PendingList({ rows, kindLabel }) {
  const { t, session } = useApp();
  const owner = session.user.id; // 删除 and 重试 reach this person's own records only
  if (!rows.length) return null;
  const label = kindLabel || ((kind) => t(`ui.outbox.kind.${kind}`));
  return (
    <ul class="list" aria-label={t('ui.outbox.list_label')}>
      {rows.map((row) => (
        <li key={row.key} class="card pending">
          <h2 class="card-title">{row.label}</h2>
          {row.kind !== 'case' && <p class="meta">{label(row.kind)}</p>}
          {row.state === 'failed' ? (
            <>
              <p class="message message-error">{t('ui.outbox.failed', { reason: row.error || '' })}</p>
              <div class="actions">
                <button type="button" class="button button-secondary" onClick={() => retryEntry(row.key, owner).then(() => flushNow(true))}>
                  {t('ui.outbox.retry')}
                </button>
                <button type="button" class="button button-secondary" onClick={() => removeEntry(row.key, owner)}>
                  {t('ui.outbox.discard')}
                </button>
              </div>
            </>
          ) : (
            <p class="status-line">{t('ui.outbox.waiting_one')}</p>
          )}
        </li>
      ))}
    </ul>
  );
}
