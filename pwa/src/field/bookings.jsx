// 预约: the visits and proxy appointments in my grids from yesterday on, two weeks ahead,
// by day and half-day, each with check-in on arrival and check-out with a note
// and photos. Both go through the outbox, in order, so they work without signal.

import { useState } from 'preact/hooks';

import { Feedback } from '../action.jsx';
import { useApp } from '../context.js';
import { useApi } from '../data.js';
import { useOutbox, useReloadWhenSent } from '../outbox-client.js';
import { LoadState, ScreenTitle, formatDay } from '../ui.jsx';
import { PhotoInput } from './photo-input.jsx';
import { bookingChain, QueuedLines, stepsFrom, useFieldSend, useSteps } from './send.jsx';

const DAYS_AHEAD = 14;
const SHOWN = new Set(['booked', 'checked_in', 'done', 'needs_slot']);

/** YYYY-MM-DD of today + `offset` days, on the phone's calendar. */
export function isoDay(offset = 0) {
  const day = new Date();
  day.setDate(day.getDate() + offset);
  const pad = (value) => String(value).padStart(2, '0');
  return `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`;
}

/** [[date, [booking…]]…] by date, morning before afternoon. */
export function byDay(items) {
  const days = new Map();
  const sorted = [...items].sort((a, b) => (a.slot.date + a.slot.half_day).localeCompare(b.slot.date + b.slot.half_day) || a.id - b.id);
  for (const booking of sorted) {
    if (!days.has(booking.slot.date)) days.set(booking.slot.date, []);
    days.get(booking.slot.date).push(booking);
  }
  return [...days.entries()];
}

export function FieldBookingsScreen() {
  const { t, locale } = useApp();
  // One path whatever the day, so the stored copy still opens offline tomorrow morning.
  const bookings = useApi('/bookings', { offline: true });
  const from = isoDay(-1);
  const to = isoDay(DAYS_AHEAD);
  const items = bookings.data
    ? bookings.data.items.filter((booking) => SHOWN.has(booking.status) && booking.slot.date >= from && booking.slot.date <= to)
    : [];
  const days = byDay(items);
  // A check-in or check-out left the outbox: the server's list has moved on.
  const waiting = useOutbox().filter((row) => row.chain && row.chain.startsWith('booking-')).length;
  useReloadWhenSent(waiting, bookings.reload);
  return (
    <section class="screen" aria-labelledby="screen-title">
      <ScreenTitle>{t('ui.field.bookings.title')}</ScreenTitle>
      <p><a class="button button-secondary" href="#/field/slots">{t('ui.field.slots.link')}</a></p>
      <LoadState state={bookings} />
      {bookings.data && (days.length ? days.map(([day, list]) => (
        <section key={day} class="day" aria-labelledby={`day-${day}`}>
          <h2 id={`day-${day}`}>{day === isoDay(0) ? t('ui.field.bookings.today', { day: formatDay(day, locale) }) : formatDay(day, locale)}</h2>
          <ul class="list">
            {list.map((booking) => <BookingCard key={booking.id} booking={booking} />)}
          </ul>
        </section>
      )) : (
        <p>{t('ui.field.bookings.empty')}</p>
      ))}
    </section>
  );
}

function BookingCard({ booking }) {
  const { t } = useApp();
  const { rows: queued, status, table } = useSteps(bookingChain(booking.id), booking.status);
  const next = stepsFrom(table, status, 'worker');
  const titleId = `booking-${booking.id}`;
  return (
    <li class="card">
      <h3 class="card-title" id={titleId}>
        {t('ui.field.bookings.who', { half: t(`booking.half_day.${booking.slot.half_day}`), name: booking.resident_name, kind: t(`case.kind.${booking.kind}`) })}
      </h3>
      <p class={`status status-booking-${status}`}>{t(`booking.status.${status}`)}</p>
      {booking.note && <p>{booking.note}</p>}
      <p><a class="list-link" href={`#/field/cases/${booking.case_id}`}>{t('ui.bookings.case', { receipt: booking.receipt_no })}</a></p>
      <QueuedLines rows={queued} />
      {next.includes('check_in') && <CheckIn booking={booking} titleId={titleId} />}
      {next.includes('check_out') && <CheckOut booking={booking} />}
    </li>
  );
}

function CheckIn({ booking, titleId }) {
  const { t } = useApp();
  const { busy, message, send } = useFieldSend();
  const checkIn = () => send({
    path: `/bookings/${booking.id}/check-in`, body: {}, chain: bookingChain(booking.id), kind: 'check_in',
    label: t('ui.field.bookings.check_in_label', { name: booking.resident_name }),
  });
  return (
    <>
      <Feedback message={message} />
      <button type="button" class="button button-primary button-wide" aria-describedby={titleId} disabled={busy} onClick={checkIn}>
        {t('ui.field.bookings.check_in')}
      </button>
    </>
  );
}

function CheckOut({ booking }) {
  const { t } = useApp();
  const [note, setNote] = useState('');
  const [photos, setPhotos] = useState([]);
  const { busy, message, send } = useFieldSend();
  const onSubmit = (event) => {
    event.preventDefault();
    send({
      path: `/bookings/${booking.id}/check-out`, body: { note: note.trim() }, photos, chain: bookingChain(booking.id),
      kind: 'check_out', label: t('ui.field.bookings.check_out_label', { name: booking.resident_name }),
    });
  };
  const noteId = `checkout-note-${booking.id}`;
  return (
    <form class="form" onSubmit={onSubmit} noValidate>
      <div class="field">
        <label for={noteId}>{t('ui.field.bookings.check_out_note')}</label>
        <textarea id={noteId} class="input textarea" rows={3} maxLength={1000} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      </div>
      <PhotoInput id={`checkout-photos-${booking.id}`} photos={photos} onChange={setPhotos} />
      <Feedback message={message} />
      <button type="submit" class="button button-primary button-wide" disabled={busy}>{t('ui.field.bookings.check_out')}</button>
    </form>
  );
}
