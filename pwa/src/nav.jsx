// The main sections, always one tap away; the outbox count shows on 我的事项.

import { useApp } from './context.js';
import { useOutbox } from './outbox-client.js';

const ITEMS = [
  ['home', '#/', 'ui.nav.home'],
  ['cases', '#/cases', 'ui.nav.cases'],
  ['inbox', '#/inbox', 'ui.nav.inbox'],
  ['settings', '#/settings', 'ui.nav.settings'],
];
const SECTION = { service: 'home', submit: 'home', book: 'home', case: 'cases', bookings: 'cases' };

export function NavBar({ current }) {
  const { t } = useApp();
  const waiting = useOutbox().filter((row) => row.state === 'waiting').length;
  const section = SECTION[current] || current;
  return (
    <nav class="navbar" aria-label={t('ui.nav.label')}>
      {ITEMS.map(([name, href, key]) => (
        <a key={name} class="navbar-link" href={href} aria-current={section === name ? 'page' : undefined}>
          {t(key)}
          {name === 'cases' && waiting > 0 && <span class="badge">{t('ui.outbox.badge', { count: waiting })}</span>}
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
