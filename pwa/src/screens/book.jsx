// Book a door-to-door visit (预约上门) or full proxy service (全程代办), for
// oneself or a confirmed relative.

import { useState } from 'preact/hooks';

import { useApp } from '../context.js';
import { useApi } from '../data.js';
import { newKey } from '../outbox.js';
import { navigate, routeQuery } from '../router.js';
import { Feedback, useAction } from '../action.jsx';
import { LoadState, ScreenTitle, formatDay } from '../ui.jsx';
import { ServiceList } from './home.jsx';

const KINDS = ['visit', 'proxy'];
const DAYS_AHEAD = 14;

function isoDay(date) {
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60000);
  return local.toISOString().slice(0, 10);
}

export function BookScreen() {
  const { t, api, locale, session } = useApp();
  const query = routeQuery();
  const serviceCode = query.get('service') || '';
  const [kind, setKind] = useState(KINDS.includes(query.get('kind')) ? query.get('kind') : 'visit');
  const [who, setWho] = useState('self');
  const [slotId, setSlotId] = useState(null);
  // Booking needs the network (it takes a place there and then); offline, the screen says so.
  const { busy, error, run, fail } = useAction({ offline: t('ui.book.offline') });
  const today = new Date();
  const from = isoDay(today);
  const to = isoDay(new Date(today.getTime() + DAYS_AHEAD * 86400000));
  const service = useApi(serviceCode ? `/services/${encodeURIComponent(serviceCode)}` : null, { offline: true });
  const slots = useApi(`/slots?kind=${kind}&from=${from}&to=${to}`);
  const links = useApi('/family-links');
  const catalog = useApi(serviceCode ? null : `/services?channel=${kind === 'visit' ? 'door_to_door' : 'proxy'}`, { offline: true });
  const relatives = links.data
    ? links.data.items.filter((link) => link.status === 'active' && link.requester.id === session.user.id)
    : [];

  async function onSubmit(event) {
    event.preventDefault();
    if (!slotId) {
      fail(t('ui.book.choose_slot'));
      return;
    }
    const body = { slot_id: slotId, kind, service_code: serviceCode };
    if (who !== 'self') body.resident_id = Number(who);
    const booking = await run(() => api('/bookings', { method: 'POST', body, headers: { 'Idempotency-Key': newKey() } }));
    if (booking) navigate(booking.case_id ? `/cases/${booking.case_id}` : '/cases');
  }

  if (!serviceCode) {
    return (
      <section class="screen" aria-labelledby="screen-title">
        <ScreenTitle>{t('ui.book.title')}</ScreenTitle>
        <p class="lead">{t('ui.book.pick_service')}</p>
        <div class="choices">
          {KINDS.map((value) => (
            <button key={value} type="button" class="button button-toggle" aria-pressed={String(kind === value)} onClick={() => setKind(value)}>
              {t(`case.kind.${value}`)}
            </button>
          ))}
        </div>
        <LoadState state={catalog} />
        {catalog.data && <ServiceList items={catalog.data.items} />}
      </section>
    );
  }

  return (
    <section class="screen" aria-labelledby="screen-title">
      <ScreenTitle>{t(`ui.book.title_${kind}`)}</ScreenTitle>
      {service.data && <p class="lead">{t('ui.submit.for_service', { name: service.data.name })}</p>}
      <form class="form" onSubmit={onSubmit} noValidate>
        <fieldset class="fieldset">
          <legend>{t('ui.book.for_whom')}</legend>
          <div class="choices">
            <label class="choice">
              <input type="radio" name="who" value="self" checked={who === 'self'} onChange={() => setWho('self')} />
              {t('ui.book.myself')}
            </label>
            {relatives.map((link) => (
              <label key={link.id} class="choice">
                <input type="radio" name="who" value={link.relative.id} checked={who === String(link.relative.id)} onChange={() => setWho(String(link.relative.id))} />
                {t('ui.book.relative', { name: link.relative.name, relation: link.relation })}
              </label>
            ))}
          </div>
        </fieldset>
        <fieldset class="fieldset">
          <legend>{t('ui.book.slot')}</legend>
          <LoadState state={slots} />
          {slots.data && (slots.data.items.filter((slot) => slot.free > 0).length ? (
            <div class="choices">
              {slots.data.items.filter((slot) => slot.free > 0).map((slot) => (
                <label key={slot.id} class="choice">
                  <input type="radio" name="slot" value={slot.id} checked={slotId === slot.id} onChange={() => setSlotId(slot.id)} />
                  {t('ui.book.slot_label', {
                    day: formatDay(slot.date, locale), half: t(`booking.half_day.${slot.half_day}`), worker: slot.worker_name, free: slot.free,
                  })}
                </label>
              ))}
            </div>
          ) : (
            <p>{t('ui.book.no_slots')}</p>
          ))}
        </fieldset>
        <Feedback error={error} />
        <button type="submit" class="button button-primary button-wide" disabled={busy}>{t('ui.book.send')}</button>
      </form>
    </section>
  );
}
