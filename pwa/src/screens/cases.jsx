// My cases: what is still waiting in the outbox, then the server's list
// (kept for reading offline).

import { useEffect } from 'preact/hooks';

import { useApp } from '../context.js';
import { useApi } from '../data.js';
import { OutboxStatus } from '../nav.jsx';
import { removeEntry, retryEntry, sentAnswer } from '../outbox.js';
import { flushNow, useOutbox } from '../outbox-client.js';
import { routeQuery } from '../router.js';
import { startsOnText } from '../clock.js';
import { UrgentMark } from '../clock.jsx';
import { LoadState, ScreenTitle, formatDate } from '../ui.jsx';

export function CasesScreen() {
  const { t, locale } = useApp();
  const rows = useOutbox();
  const cases = useApi('/cases', { offline: true });
  const query = routeQuery();
  const justSent = query.get('sent') === '1';
  // The new case as the server answered it (read again as the outbox changes): filed
  // outside working hours, the day the office starts on it.
  const answer = justSent && query.get('key') ? sentAnswer(query.get('key')) : undefined;
  const startsOn = answer ? startsOnText(t, answer.handling_starts_on, locale) : null;
  // Everything queued shows here (cases, supplied information, ratings), so a
  // refused one can always be seen, retried or deleted.
  const pending = rows;
  // A record leaving the outbox is a case the server now has.
  const reloadCases = cases.reload;
  useEffect(() => reloadCases(), [pending.length, reloadCases]);

  return (
    <section class="screen" aria-labelledby="screen-title">
      <ScreenTitle>{t('ui.cases.title')}</ScreenTitle>
      {justSent && <p class="notice">{t('ui.cases.just_sent')}</p>}
      <div role="status">
        {startsOn && <p class="notice starts-on"><a href={`#/cases/${answer.id}`}>{answer.receipt_no}</a> {startsOn}</p>}
      </div>
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
