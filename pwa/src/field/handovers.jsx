// 代办台账: the documents a grid worker takes from a resident or gives back,
// each written down (name and count) for the resident to confirm on their phone.

import { useState } from 'preact/hooks';

import { Feedback } from '../action.jsx';
import { useApp } from '../context.js';
import { formatDate } from '../ui.jsx';
import { caseChain, QueuedLines, useChain, useFieldSend } from './send.jsx';

export function HandoverList({ items }) {
  const { t, locale } = useApp();
  if (!items.length) return <p>{t('ui.field.handover.none')}</p>;
  return (
    <ul class="list">
      {items.map((handover) => (
        <li key={handover.id} class="handover">
          <p><strong>{handover.direction_label}</strong> <span class="meta">{formatDate(handover.recorded_at, locale)}</span></p>
          <ul class="handover-items">
            {handover.items.map((entry, index) => (
              <li key={index}>{t('ui.case.handover_item', { name: entry.name, count: entry.count })}</li>
            ))}
          </ul>
          <p class="meta">
            {handover.confirmed_at
              ? t('ui.field.handover.confirmed', { at: formatDate(handover.confirmed_at, locale) })
              : t('ui.field.handover.unconfirmed')}
          </p>
        </li>
      ))}
    </ul>
  );
}

const EMPTY_ROW = { name: '', count: 1 };

export function HandoverForm({ caseId }) {
  const { t } = useApp();
  const [direction, setDirection] = useState('received');
  const [rows, setRows] = useState([EMPTY_ROW]);
  const queued = useChain(caseChain(caseId)).filter((row) => row.kind === 'handover');
  const { busy, message, send, fail } = useFieldSend(() => setRows([EMPTY_ROW]));
  const change = (index, field, value) => setRows((current) => current.map((row, i) => (i === index ? { ...row, [field]: value } : row)));
  const onSubmit = (event) => {
    event.preventDefault();
    const items = rows
      .map((row) => ({ name: row.name.trim(), count: Math.max(1, Math.min(99, Number(row.count) || 1)) }))
      .filter((row) => row.name);
    if (!items.length) {
      fail(t('ui.field.handover.required'));
      return;
    }
    const label = items.map((item) => t('ui.case.handover_item', item)).join(t('ui.common.list_separator'));
    send({
      path: `/cases/${caseId}/handovers`, body: { items, direction }, chain: caseChain(caseId), kind: 'handover',
      label: t('ui.case.handover_label', { direction: t(`handover.direction.${direction}`), items: label }),
    });
  };
  return (
    <form class="form" onSubmit={onSubmit} noValidate aria-labelledby="handover-form-title">
      <h3 id="handover-form-title">{t('ui.field.handover.title')}</h3>
      <QueuedLines rows={queued} />
      <fieldset class="fieldset">
        <legend>{t('ui.field.handover.direction')}</legend>
        <div class="choices">
          {['received', 'returned'].map((value) => (
            <label key={value} class="choice">
              <input type="radio" name="handover-direction" value={value} checked={direction === value} onChange={() => setDirection(value)} />
              {t(`handover.direction.${value}`)}
            </label>
          ))}
        </div>
      </fieldset>
      {rows.map((row, index) => (
        <div class="handover-row" key={index}>
          <div class="field">
            <label for={`handover-name-${index}`}>{t('ui.field.handover.name', { n: index + 1 })}</label>
            <input id={`handover-name-${index}`} class="input" maxLength={100} value={row.name} onInput={(e) => change(index, 'name', e.currentTarget.value)} />
          </div>
          <div class="field">
            <label for={`handover-count-${index}`}>{t('ui.field.handover.count')}</label>
            <input
              id={`handover-count-${index}`}
              class="input input-count"
              type="number"
              inputMode="numeric"
              min={1}
              max={99}
              value={row.count}
              onInput={(e) => change(index, 'count', e.currentTarget.value)}
            />
          </div>
        </div>
      ))}
      <button type="button" class="button button-secondary" onClick={() => setRows((current) => [...current, EMPTY_ROW])}>
        {t('ui.field.handover.add_row')}
      </button>
      <Feedback message={message} />
      <button type="submit" class="button button-primary button-wide" disabled={busy}>{t('ui.field.handover.send')}</button>
    </form>
  );
}
