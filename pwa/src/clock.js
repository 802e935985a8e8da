// The case clock as the server states it (docs/DESIGN.md, "The case clock"): the
// pieces of wording and order the screens share, kept free of JSX so node's test
// runner checks them (`npm test`). The server computes every date and count; this
// file only words them.

const TIME_ZONE = 'Asia/Shanghai';

/** 督办's colours, worst first: overdue is red, due soon and silent are yellow, on track green. */
export const SIGNALS = ['overdue', 'due_soon', 'silent', 'on_track', 'paused'];

export const SIGNAL_TONE = {
  overdue: 'red', due_soon: 'yellow', silent: 'yellow', on_track: 'green', paused: 'grey',
};

/** Urgent cases first, the rest in the order given (a stable sort: the server's order within each). */
export function urgentFirst(items) {
  return items.map((item, index) => [item, index])
    .sort(([a, i], [b, j]) => (b.urgent ? 1 : 0) - (a.urgent ? 1 : 0) || i - j)
    .map(([item]) => item);
}

function intlLocale(locale) {
  return locale === 'zh-Hant' ? 'zh-TW' : 'zh-CN';
}

/**
 * The day the office starts on a case filed outside working hours (`handling_starts_on`,
 * "2027-01-04"), as {weekday, date}: {weekday: "周一", date: "1月4日"}. A calendar day, so
 * it is read at noon UTC: the same day on every phone's clock.
 */
export function startsOnParts(value, locale) {
  const day = new Date(`${value}T12:00:00Z`);
  const format = (options) => day.toLocaleDateString(intlLocale(locale), { ...options, timeZone: 'UTC' });
  return { weekday: format({ weekday: 'short' }), date: format({ month: 'long', day: 'numeric' }) };
}

/** "周一（1月4日）开始受理", or null when the case was filed within working hours (null). */
export function startsOnText(t, value, locale) {
  if (!value) return null;
  return t('ui.case.handling_starts', startsOnParts(value, locale));
}

/**
 * What is left of the time limit, in words: hours for an urgent case, else working days
 * (0: the last day); paused, what is left once it runs again; null when there is no
 * running clock (not accepted yet, or closed). Overdue says so (the server gives no count).
 */
export function remainingText(t, item) {
  if (item.overdue) return t('ui.clock.remaining_overdue');
  const hours = item.remaining_hours;
  const days = item.remaining_working_days;
  let left = null;
  if (item.urgent && hours !== null && hours !== undefined) left = t('ui.clock.remaining_hours', { hours });
  else if (days === 0) left = t('ui.clock.remaining_last_day');
  else if (days !== null && days !== undefined) left = t('ui.clock.remaining_days', { days });
  if (left === null) return null;
  return item.paused ? t('ui.clock.remaining_paused', { left }) : left;
}

/** The case's time limit: "24小时（加急）" or "15个工作日". */
export function limitText(t, item) {
  if (item.urgent && item.time_limit_hours) return t('ui.clock.limit_hours', { hours: item.time_limit_hours });
  return t('catalog.time_limit', { days: item.time_limit_days });
}

/** An instant on the Beijing clock, 24-hour: "2027年1月4日 09:30". */
export function formatInstant(value, locale) {
  if (!value) return '';
  const date = new Date(value);
  const day = date.toLocaleDateString(intlLocale(locale), { year: 'numeric', month: 'long', day: 'numeric', timeZone: TIME_ZONE });
  const time = date.toLocaleTimeString(intlLocale(locale), { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: TIME_ZONE });
  return `${day} ${time}`;
}

/** One pause of the clock in words: from when to when, and what it did not count. */
export function pauseText(t, pause, locale) {
  const from = formatInstant(pause.started_at, locale);
  if (!pause.ended_at) return { span: t('ui.clock.pause_open', { from }), cost: t('ui.clock.pause_running') };
  const span = t('ui.clock.pause_closed', { from, to: formatInstant(pause.ended_at, locale) });
  if (pause.hours !== null && pause.hours !== undefined) return { span, cost: t('ui.clock.pause_hours', { hours: pause.hours }) };
  if (!pause.working_days) return { span, cost: t('ui.clock.pause_none') };
  return { span, cost: t('ui.clock.pause_days', { days: pause.working_days }) };
}

/** The `datetime-local` value for now on this phone's clock ("2027-01-04T09:30"). */
export function localInputNow(now = new Date()) {
  const shifted = new Date(now.getTime() - now.getTimezoneOffset() * 60000);
  return shifted.toISOString().slice(0, 16);
}
