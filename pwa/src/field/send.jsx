// The field area's writes: every one goes into the offline outbox first, with
// its Idempotency-Key, and those about one case or booking form a chain, so
// they reach the server in the order they were made (start, then resolve).

import { useEffect, useRef, useState } from 'preact/hooks';

import { useSend } from '../action.jsx';
import { useApp } from '../context.js';
import { useOutbox } from '../outbox-client.js';
import { readCached, writeCached } from '../store.js';

// The moves as the server defines them (GET /cases/steps, GET /bookings/steps): what a
// queued (or just sent) step leads to, so the screen can go on offline. Fetched once a
// session and kept in IndexedDB like the other answers the field reads offline.
const STEP_TABLE_KEY = 'reference|steps';
let stepTable = null;

function loadSteps(api) {
  if (!stepTable) {
    stepTable = Promise.all([api('/cases/steps'), api('/bookings/steps')]).then(
      (pages) => {
        const table = Object.fromEntries(pages.flatMap((page) => page.items).map((step) => [step.action, step]));
        writeCached(STEP_TABLE_KEY, table);
        return table;
      },
      async () => {
        stepTable = null; // try the network again next time
        return (await readCached(STEP_TABLE_KEY)) || null;
      },
    );
  }
  return stepTable;
}

/** {action: {action, from, to, party, note_required}}, or null until known. */
export function useStepTable() {
  const { api } = useApp();
  const [table, setTable] = useState(null);
  useEffect(() => {
    let alive = true;
    loadSteps(api).then((value) => alive && setTable(value));
    return () => { alive = false; };
  }, [api]);
  return table;
}

/** The moves `party` may make from `status`, by the table. */
export function stepsFrom(table, status, party) {
  if (!table) return [];
  return Object.values(table).filter((step) => step.party === party && step.from.includes(status)).map((step) => step.action);
}

export const caseChain = (id) => `case-${id}`;
export const bookingChain = (id) => `booking-${id}`;

/** The outbox records of one chain, oldest first. */
export function useChain(chain) {
  return useOutbox().filter((row) => row.chain === chain);
}

/**
 * {rows, status}: the chain's queued records, and the status once they are through.
 * A step that has just left the outbox (sent) still counts while the copy on screen
 * is from before it (the reload is on its way), so the screen never steps back and
 * a form being filled in is not taken away; once the copy has moved on, it is forgotten.
 */
export function useSteps(chain, status) {
  return useStepsOf(useChain(chain), status);
}

/** useSteps over rows already at hand (a list of many cases reads the outbox once). */
export function useStepsOf(rows, status) {
  const table = useStepTable();
  const sent = useRef([]);
  const last = useRef(rows);
  const keys = new Set(rows.map((row) => row.key));
  for (const row of last.current) {
    if (!keys.has(row.key) && row.state !== 'failed') sent.current.push({ ...row, sent: true });
  }
  last.current = rows;
  let current = status;
  let moved = null;
  const still = [];
  for (const row of [...sent.current, ...rows]) {
    const step = table && table[row.kind];
    if (!step || !step.to || row.state === 'failed' || current == null) continue;
    if (row.sent && !step.from.includes(current)) continue; // the copy on screen already has it
    if (row.sent) still.push(row);
    current = step.to;
    moved = step;
  }
  sent.current = still;
  // `moved`: the last step the outbox has taken the copy on screen through (its party goes on playing).
  return { rows, status: current, moved, table };
}

/** The field area's sends: useSend with its own 已发送 / 已保存，有网络时自动发送 lines. */
export function useFieldSend(onSent) {
  const { t } = useApp();
  return useSend(onSent, { sent: t('ui.field.sent'), waiting: t('ui.field.queued') });
}

/** Outbox rows of a chain as lines ("开始办理：等待发送"), refused ones with the reason. */
export function QueuedLines({ rows }) {
  const { t } = useApp();
  // A live region: the step a tap queued is announced even though its button has gone.
  return (
    <div role="status">
      {rows.map((row) => (
        <p key={row.key} class={row.state === 'failed' ? 'message message-error' : 'notice'}>
          {t('ui.outbox.row', {
            kind: t(`ui.field.outbox_kind.${row.kind}`),
            status: row.state === 'failed' ? t('ui.outbox.failed', { reason: row.error || '' }) : t('ui.outbox.waiting_one'),
          })}
        </p>
      ))}
    </div>
  );
}
