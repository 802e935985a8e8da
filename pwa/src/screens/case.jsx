// One case: status, deadline, who handles it, the timeline; supply requested
// information; rate it once resolved (and again after a bad rating was followed
// up); withdraw, reopen and confirm handovers (case-actions.jsx).

import { useState } from 'preact/hooks';

import { Feedback, useSend } from '../action.jsx';
import { useApp } from '../context.js';
import { useApi } from '../data.js';
import { useOutbox, useReloadWhenSent } from '../outbox-client.js';
import { LoadState, ScreenTitle, StartsOn, formatDate } from '../ui.jsx';
import { AnswerExtension, CaseClock, Extensions, UrgentMark, deadlineText } from '../clock.jsx';
import { CancelCase, Handovers, ReopenCase } from './case-actions.jsx';

/** The tags (GET /ratings/tags: {tag, label}) a rating of `score` may carry: praise, complaints, or both for a 3. */
function tagsForScore(tags, score) {
  if (!tags || !score) return [];
  return [
    ...(tags.good_scores.includes(score) ? tags.good : []),
    ...(tags.bad_scores.includes(score) ? tags.bad : []),
  ];
}

export function CaseScreen({ id }) {
  const { t, locale } = useApp();
  const state = useApi(`/cases/${id}`, { offline: true });
  const rating = useApi(`/cases/${id}/rating`);
  const handovers = useApi(`/cases/${id}/handovers`, { offline: true });
  const item = state.data;
  const queued = useOutbox().filter((row) => row.path.startsWith(`/cases/${id}/`));
  const queuedKind = (kind) => queued.some((row) => row.kind === kind);
  // The server says which moves the reader may make now (GET /cases/{id} `actions`).
  const may = (action) => Boolean(item && item.actions && item.actions.includes(action));
  const ratings = rating.data ? rating.data.ratings : [];
  const [done, setDone] = useState(null);
  const reload = () => {
    state.reload();
    rating.reload();
    handovers.reload();
  };
  // Something for this case left the outbox (sent by this page, another tab or the worker).
  useReloadWhenSent(queued.length, reload);

  return (
    <section class="screen" aria-labelledby="screen-title">
      <ScreenTitle>{item ? item.title : t('ui.case.title')}</ScreenTitle>
      <LoadState state={state} />
      <div role="status" class={done ? 'notice' : undefined}>{done || ''}</div>
      {item && (
        <>
          <p class={`status status-${item.status}`}>{item.status_label}</p>
          <UrgentMark item={item} tag="p" />
          {item.status === 'submitted' && item.handling_starts_on && (
            <p class="notice" id="case-starts-on"><StartsOn day={item.handling_starts_on} t={t} locale={locale} /></p>
          )}
          <dl class="facts">
            <dt>{t('ui.case.receipt')}</dt><dd>{item.receipt_no}</dd>
            <dt>{t('ui.case.kind')}</dt><dd>{item.kind_label}</dd>
            <dt>{t('ui.case.deadline')}</dt>
            <dd>
              {item.deadline ? deadlineText(item, locale) : t('ui.case.deadline_after_accept', { days: item.time_limit_days })}
              {item.overdue && <strong class="warn"> {t('ui.case.overdue')}</strong>}
            </dd>
            <dt>{t('ui.case.handler')}</dt>
            <dd>{item.assignee ? item.assignee.name : item.owner ? item.owner.name : t('ui.case.no_handler')}</dd>
            <dt>{t('ui.case.region')}</dt><dd>{item.region ? item.region.name : ''}</dd>
          </dl>
          <p>{item.description}</p>
          {item.deadline && <CaseClock item={item} />}
          {may('answer_extension') && (
            <AnswerExtension item={item} onDone={(text) => { setDone(text); reload(); }} />
          )}
          <Extensions item={item} />

          {queued.map((row) => (
            <p key={row.key} class={row.state === 'failed' ? 'message message-error' : 'notice'}>
              {t('ui.outbox.row', {
                kind: t(`ui.outbox.kind.${row.kind}`),
                status: row.state === 'failed' ? t('ui.outbox.failed', { reason: row.error || '' }) : t('ui.outbox.waiting_one'),
              })}
            </p>
          ))}
          {may('cancel') && <CancelCase id={id} onDone={reload} />}
          {may('supply_info') && !queuedKind('supply_info') && <SupplyInfo id={id} onDone={reload} />}
          {handovers.data && handovers.data.items.length > 0 && (
            <Handovers id={id} handovers={handovers.data.items} queued={queued} onDone={reload} />
          )}
          {rating.data && rating.data.can_rate && !queuedKind('rating') && (
            <RatingForm id={id} again={ratings.length > 0} onDone={reload} />
          )}
          {ratings.length > 0 && <Ratings ratings={ratings} />}
          {rating.data && may('reopen') && <ReopenCase id={id} status={item.status} onDone={reload} />}

          <h2>{t('ui.case.timeline')}</h2>
          <Timeline events={item.timeline} />
        </>
      )}
    </section>
  );
}

/** A case's timeline, oldest first: who did what, when, with the note and photos. */
export function Timeline({ events }) {
  const { t, locale } = useApp();
  return (
    <ol class="timeline">
      {events.map((event, index) => (
        <li key={index}>
          <p class="timeline-head"><strong>{event.action_label}</strong> <span class="meta">{formatDate(event.at, locale)}</span></p>
          {event.actor && <p class="meta">{event.actor.name}</p>}
          {event.note && <p>{event.note}</p>}
          {event.photos && event.photos.length > 0 && (
            <div class="photos">
              {event.photos.map((photo) => (
                <a key={photo.id} href={photo.url}><img src={photo.thumb_url} alt={t('ui.case.photo')} width="96" height="96" loading="lazy" /></a>
              ))}
            </div>
          )}
        </li>
      ))}
    </ol>
  );
}

/** A resident's write through the outbox: once sent, the case is reloaded; waiting, the screen says so. */
function useResidentSend(onDone) {
  return useSend((result) => result.state === 'sent' && onDone());
}

function SupplyInfo({ id, onDone }) {
  const { t } = useApp();
  const [note, setNote] = useState('');
  const { busy, message, send } = useResidentSend(onDone);
  const onSubmit = (event) => {
    event.preventDefault();
    if (!note.trim()) return;
    send({
      path: `/cases/${id}/transitions`, body: { action: 'supply_info', note: note.trim() }, kind: 'supply_info', label: note.trim(),
    });
  };
  return (
    <form class="form card" onSubmit={onSubmit}>
      <h2>{t('ui.case.supply_title')}</h2>
      <div class="field">
        <label for="supply-note">{t('ui.case.supply_label')}</label>
        <textarea id="supply-note" class="input textarea" rows={4} maxLength={2000} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      </div>
      <Feedback message={message} />
      <button type="submit" class="button button-primary button-wide" disabled={busy}>{t('ui.case.supply_send')}</button>
    </form>
  );
}

function RatingForm({ id, again, onDone }) {
  const { t } = useApp();
  const [score, setScore] = useState(0);
  const [tags, setTags] = useState([]);
  const [comment, setComment] = useState('');
  const { busy, message, fail, send } = useResidentSend(onDone);
  // Kept for offline use: a rating made without a network waits in the outbox like any write.
  const tagList = useApi('/ratings/tags', { offline: true });
  const allowed = tagsForScore(tagList.data, score);
  const chooseScore = (value) => {
    setScore(value);
    const fits = tagsForScore(tagList.data, value).map((entry) => entry.tag);
    setTags((current) => current.filter((tag) => fits.includes(tag)));
  };
  const toggleTag = (tag) => setTags((current) => (current.includes(tag) ? current.filter((x) => x !== tag) : [...current, tag]));
  const onSubmit = (event) => {
    event.preventDefault();
    if (!score) {
      fail(t('ui.rating.choose_score'));
      return;
    }
    send({
      path: `/cases/${id}/rating`, body: { score, tags, comment: comment.trim() }, kind: 'rating', label: t(`rating.level.${score}`),
    });
  };
  return (
    <form class="form card" onSubmit={onSubmit}>
      <h2>{again ? t('ui.rating.title_again') : t('ui.rating.title')}</h2>
      {again && <p>{t('ui.rating.again_explain')}</p>}
      <fieldset class="fieldset">
        <legend>{t('ui.rating.score')}</legend>
        <div class="choices">
          {[5, 4, 3, 2, 1].map((value) => (
            <label key={value} class="choice">
              <input type="radio" name="score" value={value} checked={score === value} onChange={() => chooseScore(value)} />
              {t(`rating.level.${value}`)}
            </label>
          ))}
        </div>
      </fieldset>
      {score > 0 && (
        <fieldset class="fieldset">
          <legend>{t('ui.rating.tags')}</legend>
          <div class="choices">
            {allowed.map(({ tag, label }) => (
              <label key={tag} class="choice">
                <input type="checkbox" checked={tags.includes(tag)} onChange={() => toggleTag(tag)} />
                {label}
              </label>
            ))}
          </div>
        </fieldset>
      )}
      <div class="field">
        <label for="rating-comment">{t('ui.rating.comment')}</label>
        <textarea id="rating-comment" class="input textarea" rows={3} maxLength={1000} value={comment} onInput={(e) => setComment(e.currentTarget.value)} />
      </div>
      <Feedback message={message} />
      <button type="submit" class="button button-primary button-wide" disabled={busy}>{t('ui.rating.send')}</button>
    </form>
  );
}

function Ratings({ ratings }) {
  const { t, locale } = useApp();
  return (
    <section class="card" aria-labelledby="ratings-title">
      <h2 id="ratings-title">{t('ui.rating.yours')}</h2>
      {ratings.map((entry, index) => (
        <div key={index} class="rating">
          <p><strong>{entry.level_label || t(`rating.level.${entry.score}`)}</strong> <span class="meta">{formatDate(entry.created_at, locale)}</span></p>
          {entry.tag_labels && entry.tag_labels.length > 0 && <p>{entry.tag_labels.join(t('ui.common.list_separator'))}</p>}
          {entry.comment && <p>{entry.comment}</p>}
        </div>
      ))}
    </section>
  );
}
