// The county admin's warning about years the national holiday calendar does not know
// (GET /holidays/status): deadlines there count Monday–Friday until the year's State
// Council notice is imported. Shown where the admin lands (the desk) and on 节假日调整.

import { useApp } from './context.js';
import { useApi } from './data.js';

/** GET /holidays/status for an admin (nothing is asked for anyone else). */
export function useCalendarStatus() {
  const { session } = useApp();
  return useApi(session && session.user.role === 'admin' ? '/holidays/status' : null);
}

export function CalendarWarning({ status, link = true }) {
  const { t } = useApp();
  const years = status && status.data ? status.data.unknown_years : [];
  if (!years.length) return null;
  return (
    <div class="notice notice-warn" id="calendar-warning">
      <p>{t('ui.admin.holidays.unknown_years', { years: years.join('、') })}</p>
      {link && <p><a href="#/admin/holidays">{t('ui.admin.holidays.enter_notice')}</a></p>}
    </div>
  );
}

/** The warning as the desk shows it to an admin on landing. */
export function AdminCalendarWarning() {
  const status = useCalendarStatus();
  return <CalendarWarning status={status} />;
}
