// My bookings (mine and my linked relatives'), newest first; a booked visit can
// be cancelled, which frees the place for someone else. Cancelling goes straight
// to the server: offline, the screen says so.

import { useState } from 'preact/hooks';

import { useApp } from '../context.js';
import { useApi } from '../data.js';
import { Feedback, useAction } from '../action.jsx';
import { ConfirmStep, LoadState, ScreenTitle, formatDay } from '../ui.jsx';

const CANCELLABLE = new Set(['booked', 'needs_slot']);

export function BookingsScreen() {
  const { t } = useApp();
  const bookings = useApi('/bookings', { offline: true });
  const [notice, setNotice] = useState(null);
  const onCancelled = () => {
    setNotice(t('ui.bookings.cancelled'));
    bookings.reload();
  };
  return (
    <section class="screen" aria-labelledby="screen-title">
      <ScreenTitle>{t('ui.bookings.title')}</ScreenTitle>
      <Feedback done={notice} />
      <LoadState state={bookings} />
      {bookings.data && (bookings.data.items.length ? (
        <ul class="list">
          {bookings.data.items.map((booking) => (
            <BookingItem key={booking.id} booking={booking} onCancelled={onCancelled} />
          ))}
        </ul>
      ) : (
        <p>{t('ui.bookings.empty')}</p>
      ))}
      <a class="button button-secondary" href="#/book">{t('ui.book.title')}</a>
    </section>
  );
}

function BookingItem({ booking, onCancelled }) {
  const { t, api, locale, session } = useApp();
  const { busy, error, run } = useAction();
  const when = t('ui.bookings.when', {
    day: formatDay(booking.slot.date, locale), half: t(`booking.half_day.${booking.slot.half_day}`), worker: booking.slot.worker_name,
  });
  const titleId = `booking-${booking.id}`;
  async function cancel() {
    if (await run(() => api(`/bookings/${booking.id}/cancel`, { method: 'POST' }))) onCancelled();
  }
  return (
    <li class="card">
      <h2 class="card-title" id={titleId}>{t(`case.kind.${booking.kind}`)} · {when}</h2>
      <p class={`status status-booking-${booking.status}`}>{booking.status_label}</p>
      {booking.resident_id !== session.user.id && <p class="meta">{t('ui.bookings.for', { name: booking.resident_name })}</p>}
      <p><a class="list-link" href={`#/cases/${booking.case_id}`}>{t('ui.bookings.case', { receipt: booking.receipt_no })}</a></p>
      <Feedback error={error} />
      {CANCELLABLE.has(booking.status) && (
        <ConfirmStep
          action={t('ui.bookings.cancel')}
          question={t('ui.bookings.cancel_confirm', { when })}
          yes={t('ui.bookings.cancel_yes')}
          no={t('ui.bookings.cancel_no')}
          busy={busy}
          describedBy={titleId}
          onConfirm={cancel}
        />
      )}
    </li>
  );
}
