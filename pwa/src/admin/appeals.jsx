// 差评申诉: ratings township staff flagged as malicious, waiting for the county's
// decision (GET /ratings/flags). Upholding takes the rating out of the statistics;
// rejecting keeps it. The score itself is never changed.

import { useState } from 'preact/hooks';

import { Feedback, useAction } from '../action.jsx';
import { useApp } from '../context.js';
import { useApi } from '../data.js';
import { ConfirmStep, LoadState, ScreenTitle, formatDate } from '../ui.jsx';
import {  } from './common.jsx';

export function AppealsScreen() {
  const { t } = useApp();
  const [status, setStatus] = useState('pending');
  const flags = useApi(`/ratings/flags?status=${status}`);
  const [decided, setDecided] = useState(null);
  return (
    <section class="screen" aria-labelledby="screen-title">
      <ScreenTitle>{t('ui.admin.appeals.title')}</ScreenTitle>
      <p>{t('ui.admin.appeals.explain')}</p>
      <div class="actions" role="group" aria-label={t('ui.admin.appeals.show')}>
        {['pending', 'decided'].map((value) => (
          <button key={value} type="button" class="button button-toggle" aria-pressed={status === value ? 'true' : 'false'}
            onClick={() => { setStatus(value); setDecided(null); }}>
            {t(`ui.admin.appeals.${value}`)}
          </button>
        ))}
      </div>
      <Feedback done={decided} />
      <LoadState state={flags} />
      {flags.data && (flags.data.items.length ? (
        <ul class="list">
          {flags.data.items.map((item) => (
            <FlagCard key={item.rating_id} item={item} onDecided={(text) => { setDecided(text); flags.reload(); }} />
          ))}
        </ul>
      ) : <p>{t(`ui.admin.appeals.empty_${status}`)}</p>)}
    </section>
  );
}

function FlagCard({ item, onDecided }) {
  const { t, api, locale } = useApp();
  const [note, setNote] = useState('');
  const action = useAction();
  const titleId = `flag-${item.rating_id}`;
  async function decide(uphold) {
    const body = { uphold, note: note.trim() };
    const answer = await action.run(() => api(`/ratings/${item.rating_id}/decision`, { method: 'POST', body }));
    if (answer) onDecided(t(uphold ? 'ui.admin.appeals.upheld_done' : 'ui.admin.appeals.rejected_done', { receipt: item.receipt_no }));
  }
  return (
    <li class="card">
      <h2 class="card-title" id={titleId}>
        <a href={`#/desk/cases/${item.case_id}`}>{item.case_title}</a>
      </h2>
      <p class="meta">{item.receipt_no} · {formatDate(item.rated_at, locale)}</p>
      <dl class="facts">
        <dt>{t('ui.admin.appeals.score')}</dt>
        <dd>{t('ui.admin.appeals.score_value', { score: item.score, label: item.level_label })}</dd>
        {item.tag_labels.length > 0 && <><dt>{t('ui.admin.appeals.tags')}</dt><dd>{item.tag_labels.join(t('ui.common.list_separator'))}</dd></>}
        <dt>{t('ui.admin.appeals.comment')}</dt>
        <dd>{item.comment || t('ui.admin.appeals.no_comment')}</dd>
        <dt>{t('ui.admin.appeals.reason')}</dt>
        <dd>{item.flag_reason}</dd>
        <dt>{t('ui.admin.appeals.flagged_by')}</dt>
        <dd>{t('ui.admin.appeals.by_at', { name: item.flagged_by_name, at: formatDate(item.flagged_at, locale) })}</dd>
        {item.flag_status !== 'flagged' && (
          <>
            <dt>{t('ui.admin.appeals.decision')}</dt>
            <dd>
              <strong>{t(`ui.admin.appeals.status.${item.flag_status}`)}</strong>
              {item.decided_at && <> · {t('ui.admin.appeals.by_at', { name: item.decided_by_name || '', at: formatDate(item.decided_at, locale) })}</>}
              {item.decision_note && <> · {item.decision_note}</>}
            </dd>
          </>
        )}
      </dl>
      {item.flag_status === 'flagged' && (
        <div class="form">
          <div class="field">
            <label for={`${titleId}-note`}>{t('ui.admin.appeals.note')}</label>
            <textarea id={`${titleId}-note`} class="input textarea" maxLength={1000} value={note}
              onInput={(event) => setNote(event.currentTarget.value)} />
          </div>
          <Feedback error={action.error} />
          <div class="actions">
            <ConfirmStep
              action={t('ui.admin.appeals.uphold')}
              question={t('ui.admin.appeals.uphold_confirm')}
              yes={t('ui.admin.appeals.uphold_yes')}
              no={t('ui.admin.cancel')}
              busy={action.busy}
              describedBy={titleId}
              onConfirm={() => decide(true)}
            />
            <button type="button" class="button button-secondary" disabled={action.busy} aria-describedby={titleId}
              onClick={() => decide(false)}>
              {t('ui.admin.appeals.reject')}
            </button>
          </div>
        </div>
      )}
    </li>
  );
}
