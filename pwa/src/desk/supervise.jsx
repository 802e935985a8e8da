// 督办: what needs chasing, in the three colours of the case clock, each list straight
// from the server's own definition (GET /cases?signal=…): overdue (red), due soon and
// silent — the resident has heard nothing for days — (yellow), and on request the
// cases on track (green) and those paused while waiting for the resident. Every
// colour carries its word; urgent cases lead each list. Then handovers the resident
// has not confirmed in 2 days, and open bad-rating follow-ups. One tap reminds the
// assignee; 改派 opens the dispatch form in place.

import { useState } from 'preact/hooks';

import { urgentFirst } from '../clock.js';
import { useApp } from '../context.js';
import { LoadState, ScreenTitle, formatDate } from '../ui.jsx';
import { AssignForm } from './assign.jsx';
import { Remind } from './case.jsx';
import { CaseLine, useAllPages } from './common.jsx';

const REASSIGNABLE = ['assigned', 'in_progress', 'waiting_info'];

// Each list: the `signal` it asks the server for, its title and its line when empty.
const SECTIONS = {
  overdue: { id: 'overdue', title: 'ui.desk.supervise.overdue', empty: 'ui.desk.supervise.overdue_empty' },
  due_soon: { id: 'due-soon', title: 'ui.desk.supervise.due_soon', empty: 'ui.desk.supervise.due_soon_empty' },
  silent: { id: 'silent', title: 'ui.clock.supervise.silent', empty: 'ui.clock.supervise.silent_empty' },
  on_track: { id: 'on-track', title: 'ui.clock.supervise.on_track', empty: 'ui.clock.supervise.on_track_empty' },
  paused: { id: 'paused', title: 'ui.clock.supervise.paused', empty: 'ui.clock.supervise.paused_empty' },
};
// The filter's choices: the lists each one shows.
const FILTERS = {
  attention: ['overdue', 'due_soon', 'silent'],
  all: ['overdue', 'due_soon', 'silent', 'on_track', 'paused'],
  overdue: ['overdue'],
  due_soon: ['due_soon'],
  silent: ['silent'],
  on_track: ['on_track'],
  paused: ['paused'],
};

function filterLabel(t, filter) {
  if (filter === 'attention' || filter === 'all') return t(`ui.clock.supervise.${filter}`);
  return t(`ui.clock.signal.${filter}`);
}

export function SuperviseScreen() {
  const { t } = useApp();
  const [filter, setFilter] = useState('attention');
  // A new round reloads every case list (they are mounted afresh).
  const [round, setRound] = useState(0);
  const handovers = useAllPages('/handovers/unconfirmed', { limit: false });
  const followUps = useAllPages('/follow-ups?status=open', { limit: false });
  const [done, setDone] = useState(null);
  const reload = (key) => {
    setDone(t(key));
    setRound((value) => value + 1);
  };
  return (
    <section class="screen" aria-labelledby="screen-title">
      <ScreenTitle>{t('ui.desk.supervise.title')}</ScreenTitle>
      <div role="status" class={done ? 'notice' : undefined}>{done || ''}</div>
      <p class="meta">{t('ui.clock.supervise.legend')}</p>
      <fieldset class="fieldset">
        <legend>{t('ui.clock.supervise.filter')}</legend>
        <div class="choices">
          {Object.keys(FILTERS).map((value) => (
            <label key={value} class="choice">
              <input type="radio" name="signal-filter" value={value} checked={filter === value} onChange={() => setFilter(value)} />
              {filterLabel(t, value)}
            </label>
          ))}
        </div>
      </fieldset>
      {FILTERS[filter].map((signal) => (
        <CaseSection key={`${signal}-${round}`} signal={signal} onDone={reload} />
      ))}

      <section aria-labelledby="handovers-title">
        <h2 id="handovers-title">{t('ui.desk.supervise.handovers')}</h2>
        <LoadState state={handovers} />
        {handovers.data && (handovers.data.items.length ? (
          <ul class="list desk-list">
            {handovers.data.items.map((handover) => <HandoverLine key={handover.id} handover={handover} onDone={reload} />)}
          </ul>
        ) : <p>{t('ui.desk.supervise.handovers_empty')}</p>)}
      </section>

      <section aria-labelledby="followups-title">
        <h2 id="followups-title">{t('ui.desk.supervise.followups')}</h2>
        <LoadState state={followUps} />
        {followUps.data && (followUps.data.items.length ? (
          <ul class="list desk-list">
            {followUps.data.items.map((followUp) => <FollowUpLine key={followUp.id} followUp={followUp} />)}
          </ul>
        ) : <p>{t('ui.desk.supervise.followups_empty')}</p>)}
      </section>
    </section>
  );
}

function CaseSection({ signal, onDone }) {
  const { t } = useApp();
  const { id, title, empty } = SECTIONS[signal];
  const state = useAllPages(`/cases?signal=${signal}`);
  const items = state.data ? urgentFirst(state.data.items) : [];
  return (
    <section aria-labelledby={`${id}-title`} class={`signal-section signal-section-${signal}`}>
      <h2 id={`${id}-title`}>{t(title)} {state.data && <span class="count">{t('ui.desk.count', { count: items.length })}</span>}</h2>
      <LoadState state={state} />
      {state.data && (items.length ? (
        <ul class="list desk-list">
          {items.map((item) => <SuperviseLine key={item.id} item={item} onDone={onDone} />)}
        </ul>
      ) : <p>{t(empty)}</p>)}
      {state.data && state.data.next_cursor && <p class="notice">{t('ui.desk.more_than', { count: items.length })}</p>}
    </section>
  );
}

function SuperviseLine({ item, onDone }) {
  const { t } = useApp();
  const [reassigning, setReassigning] = useState(false);
  return (
    <CaseLine item={item} signal>
      <div class="actions">
        {item.status !== 'accepted' && <Remind item={item} compact onDone={() => onDone('ui.desk.case.reminded')} />}
        {REASSIGNABLE.includes(item.status) && (
          <button type="button" class="button button-secondary" aria-expanded={reassigning ? 'true' : 'false'} aria-describedby={`case-title-${item.id}`} onClick={() => setReassigning(!reassigning)}>
            {t('case.action.reassign')}
          </button>
        )}
        {item.status === 'accepted' && <a class="button button-secondary" href={`#/desk/cases/${item.id}`}>{t('case.action.assign')}</a>}
      </div>
      {reassigning && (
        <AssignForm item={item} action="reassign" idPrefix={`reassign-${item.id}`} onDone={() => { setReassigning(false); onDone('ui.desk.case.assigned'); }} />
      )}
    </CaseLine>
  );
}

function HandoverLine({ handover, onDone }) {
  const { t, locale } = useApp();
  const items = handover.items.map((entry) => t('ui.case.handover_item', { name: entry.name, count: entry.count }));
  return (
    <li class="card desk-case">
      <a class="card-title" id={`handover-title-${handover.id}`} href={`#/desk/cases/${handover.case_id}`}>
        {t('ui.desk.supervise.handover_case', { id: handover.case_id })}
      </a>
      <span class="meta">{t('ui.case.handover_label', { direction: handover.direction_label, items: items.join(t('ui.common.list_separator')) })}</span>
      <span class="meta">{t('ui.case.handover_by', { name: handover.recorded_by, at: formatDate(handover.recorded_at, locale) })}</span>
      {/* The reminder goes to the case's assignee, who asks the resident to confirm. */}
      <div class="actions"><Remind item={{ id: handover.case_id }} describedBy={`handover-title-${handover.id}`} compact onDone={() => onDone('ui.desk.case.reminded')} /></div>
    </li>
  );
}

function FollowUpLine({ followUp }) {
  const { t, locale } = useApp();
  const next = followUp.callback_at ? 'fix' : 'callback';
  const due = next === 'callback' ? followUp.callback_due : followUp.fix_due;
  return (
    <li class="card desk-case">
      <a class="card-title" href={`#/desk/cases/${followUp.case_id}`}>{followUp.receipt_no}</a>
      <span class="meta">{t(`rating.level.${followUp.score}`)} · {formatDate(followUp.opened_at, locale)}</span>
      <span class="meta">
        {t(`ui.desk.followup.next.${next}`, { due: formatDate(due, locale) })}
        {followUp.overdue && <strong class="desk-flag desk-flag-overdue">{t('ui.case.overdue')}</strong>}
      </span>
    </li>
  );
}
