// 排班与请假: my weekly pattern (which half-days I take visits or proxy work,
// and how many), which fills the next two weeks with slots, and my slots one by
// one, each of which I can close for leave — its bookings then go to my AB岗
// backup, or to staff. Both changes go through the outbox.

import { useState } from 'preact/hooks';

import { Feedback } from '../action.jsx';
import { useApp } from '../context.js';
import { useApi } from '../data.js';
import { useOutbox, useReloadWhenSent } from '../outbox-client.js';
import { ConfirmStep, LoadState, ScreenTitle, formatDay } from '../ui.jsx';
import { QueuedLines, useFieldSend } from './send.jsx';

const WEEKDAYS = [0, 1, 2, 3, 4, 5, 6];
const HALF_DAYS = ['am', 'pm'];
const KINDS = ['visit', 'proxy'];
const NEW_ITEM = { weekday: 0, half_day: 'am', kind: 'visit', capacity: 2 };

export function SlotsScreen() {
  const { t } = useApp();
  const pattern = useApi('/slots/pattern', { offline: true });
  const slots = useApi('/slots/mine', { offline: true });
  const rows = useOutbox().filter((row) => row.chain === 'slots');
  // A change left the outbox: the slots the server made from it are new.
  useReloadWhenSent(rows.length, slots.reload);
  return (
    <section class="screen" aria-labelledby="screen-title">
      <p><a class="list-link" href="#/field/bookings">{t('ui.field.slots.back')}</a></p>
      <ScreenTitle>{t('ui.field.slots.title')}</ScreenTitle>
      <QueuedLines rows={rows} />
      <LoadState state={pattern} />
      {pattern.data && <PatternForm key={JSON.stringify(pattern.data)} pattern={pattern.data} />}
      <h2>{t('ui.field.slots.mine')}</h2>
      <LoadState state={slots} />
      {slots.data && (slots.data.items.length ? (
        <ul class="list">
          {slots.data.items.map((slot) => <SlotItem key={slot.id} slot={slot} />)}
        </ul>
      ) : (
        <p>{t('ui.field.slots.none')}</p>
      ))}
    </section>
  );
}

function PatternForm({ pattern }) {
  const { t } = useApp();
  const [items, setItems] = useState(pattern.items);
  const { busy, message, send } = useFieldSend();
  const change = (index, field, value) => setItems((current) => current.map((item, i) => (i === index ? { ...item, [field]: value } : item)));
  const onSubmit = (event) => {
    event.preventDefault();
    const body = {
      items: items.map((item) => ({ ...item, weekday: Number(item.weekday), capacity: Math.max(1, Math.min(50, Number(item.capacity) || 1)) })),
      backup_id: pattern.backup_id,
    };
    send({ path: '/slots/pattern', method: 'PUT', body, chain: 'slots', kind: 'pattern', label: t('ui.field.slots.pattern_label', { count: body.items.length }) });
  };
  return (
    <form class="form card" onSubmit={onSubmit} noValidate aria-labelledby="pattern-title">
      <h2 id="pattern-title">{t('ui.field.slots.pattern')}</h2>
      <p>{t('ui.field.slots.pattern_explain')}</p>
      {items.length === 0 && <p>{t('ui.field.slots.pattern_empty')}</p>}
      {items.map((item, index) => (
        <fieldset class="fieldset pattern-item" key={index}>
          <legend>{t('ui.field.slots.item', { n: index + 1 })}</legend>
          <div class="field">
            <label for={`pattern-weekday-${index}`}>{t('ui.field.slots.weekday')}</label>
            <select id={`pattern-weekday-${index}`} class="input" value={item.weekday} onChange={(e) => change(index, 'weekday', Number(e.currentTarget.value))}>
              {WEEKDAYS.map((day) => <option key={day} value={day}>{t(`ui.field.weekday.${day}`)}</option>)}
            </select>
          </div>
          <div class="field">
            <label for={`pattern-half-${index}`}>{t('ui.field.slots.half_day')}</label>
            <select id={`pattern-half-${index}`} class="input" value={item.half_day} onChange={(e) => change(index, 'half_day', e.currentTarget.value)}>
              {HALF_DAYS.map((half) => <option key={half} value={half}>{t(`booking.half_day.${half}`)}</option>)}
            </select>
          </div>
          <div class="field">
            <label for={`pattern-kind-${index}`}>{t('ui.field.slots.kind')}</label>
            <select id={`pattern-kind-${index}`} class="input" value={item.kind} onChange={(e) => change(index, 'kind', e.currentTarget.value)}>
              {KINDS.map((kind) => <option key={kind} value={kind}>{t(`case.kind.${kind}`)}</option>)}
            </select>
          </div>
          <div class="field">
            <label for={`pattern-capacity-${index}`}>{t('ui.field.slots.capacity')}</label>
            <input
              id={`pattern-capacity-${index}`}
              class="input input-count"
              type="number"
              inputMode="numeric"
              min={1}
              max={50}
              value={item.capacity}
              onInput={(e) => change(index, 'capacity', e.currentTarget.value)}
            />
          </div>
          <button type="button" class="button button-secondary" onClick={() => setItems((current) => current.filter((_, i) => i !== index))}>
            {t('ui.field.slots.remove')}
          </button>
        </fieldset>
      ))}
      <button type="button" class="button button-secondary" disabled={items.length >= 28} onClick={() => setItems((current) => [...current, NEW_ITEM])}>
        {t('ui.field.slots.add')}
      </button>
      <Feedback message={message} />
      <button type="submit" class="button button-primary button-wide" disabled={busy}>{t('ui.field.slots.save')}</button>
    </form>
  );
}

function SlotItem({ slot }) {
  const { t, locale } = useApp();
  const [reason, setReason] = useState('');
  const { busy, message, send } = useFieldSend();
  // Closed or opened offline: shown as it will be once the outbox is through.
  const queued = useOutbox().filter((row) => row.path === `/slots/${slot.id}` && row.state !== 'failed');
  const status = queued.length ? queued[queued.length - 1].body.status : slot.status;
  const when = t('ui.field.slots.when', {
    day: formatDay(slot.date, locale), half: t(`booking.half_day.${slot.half_day}`), kind: t(`case.kind.${slot.kind}`),
  });
  const titleId = `slot-${slot.id}`;
  const change = (status) => send({
    path: `/slots/${slot.id}`, method: 'PATCH', body: status === 'closed' ? { status, reason: reason.trim() } : { status },
    chain: 'slots', kind: status === 'closed' ? 'slot_close' : 'slot_open', label: when,
  });
  return (
    <li class="card">
      <h3 class="card-title" id={titleId}>{when}</h3>
      <p class={status === 'closed' ? 'status status-closed' : 'status'}>
        {status === 'closed' ? t('ui.field.slots.closed') : t('ui.field.slots.booked', { booked: slot.booked, capacity: slot.capacity })}
      </p>
      <Feedback message={message} />
      {status === 'open' ? (
        <>
          <div class="field">
            <label for={`slot-reason-${slot.id}`}>{t('ui.field.slots.reason')}</label>
            <input id={`slot-reason-${slot.id}`} class="input" maxLength={200} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
          </div>
          <ConfirmStep
            action={t('ui.field.slots.close')}
            question={slot.booked ? t('ui.field.slots.close_confirm_booked', { count: slot.booked }) : t('ui.field.slots.close_confirm')}
            yes={t('ui.field.slots.close_yes')}
            no={t('ui.field.slots.close_no')}
            busy={busy}
            describedBy={titleId}
            onConfirm={() => change('closed')}
          />
        </>
      ) : (
        <button type="button" class="button button-secondary" aria-describedby={titleId} disabled={busy} onClick={() => change('open')}>
          {t('ui.field.slots.reopen')}
        </button>
      )}
    </li>
  );
}
