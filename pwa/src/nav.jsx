// The main sections of each role, always one tap away; the outbox count shows on
// the section where the user looks for what they sent (我的事项, 我的任务).

import { useApp } from './context.js';
import { useOutbox } from './outbox-client.js';

// [section, href, label key]; a role area's sections are named after their path.
const RESIDENT = [
  ['home', '#/', 'ui.nav.home'],
  ['cases', '#/cases', 'ui.nav.cases'],
  ['inbox', '#/inbox', 'ui.nav.inbox'],
  ['settings', '#/settings', 'ui.nav.settings'],
];
const GRID_WORKER = [
  ['field', '#/field', 'ui.nav.field'],
  ['field/bookings', '#/field/bookings', 'ui.nav.field_bookings'],
  ['field/residents', '#/field/residents', 'ui.nav.field_residents'],
  ['inbox', '#/inbox', 'ui.nav.inbox'],
  ['settings', '#/settings', 'ui.nav.settings'],
];
const STAFF = [
  ['desk', '#/desk', 'ui.nav.desk'],
  ['desk/supervise', '#/desk/supervise', 'ui.nav.desk_supervise'],
  ['desk/stats', '#/desk/stats', 'ui.nav.desk_stats'],
  ['desk/manage', '#/desk/manage', 'ui.nav.desk_manage'],
  ['settings', '#/settings', 'ui.nav.settings'],
];
const ADMIN = [...STAFF.slice(0, -1), ['admin', '#/admin', 'ui.nav.admin'], STAFF[STAFF.length - 1]];
const ITEMS = { resident: RESIDENT, grid_worker: GRID_WORKER, staff: STAFF, admin: ADMIN };
const OUTBOX_SECTION = { resident: 'cases', grid_worker: 'field' };
const SECTION = { service: 'home', submit: 'home', book: 'home', case: 'cases', bookings: 'cases' };

/** The nav section a route belongs to: the longest of the role's sections that prefixes it. */
function sectionOf(items, matched) {
  if (matched.name !== 'area') return SECTION[matched.name] || matched.name;
  const path = `${matched.param}${matched.rest === '/' ? '' : matched.rest}`;
  let best = matched.param;
  for (const [name] of items) {
    if ((path === name || path.startsWith(`${name}/`)) && name.length > best.length) best = name;
  }
  return best;
}

export function NavBar({ matched }) {
  const { t, session } = useApp();
  const waiting = useOutbox().filter((row) => row.state === 'waiting').length;
  const role = session.user.role;
  const items = ITEMS[role] || RESIDENT;
  const section = sectionOf(items, matched);
  return (
    <nav class="navbar" aria-label={t('ui.nav.label')}>
      {items.map(([name, href, key]) => (
        <a key={name} class="navbar-link" href={href} aria-current={section === name ? 'page' : undefined}>
          {t(key)}
          {name === OUTBOX_SECTION[role] && waiting > 0 && <span class="badge">{t('ui.outbox.badge', { count: waiting })}</span>}
        </a>
      ))}
    </nav>
  );
}

/** "N 件等待发送" / failed records, shown where the user looks for their cases. */
export function OutboxStatus() {
  const { t } = useApp();
  const rows = useOutbox();
  const waiting = rows.filter((row) => row.state === 'waiting').length;
  const failed = rows.filter((row) => row.state === 'failed').length;
  return (
    <div role="status" class={waiting || failed ? 'notice outbox-status' : undefined}>
      {waiting > 0 && <p>{t('ui.outbox.waiting', { count: waiting })}</p>}
      {failed > 0 && <p>{t('ui.outbox.failed_count', { count: failed })}</p>}
    </div>
  );
}
