// 受理: the cases waiting at the front desk (status submitted), oldest first so
// the one that has waited longest is on top; each opens the desk case page.

import { AdminCalendarWarning } from '../calendar-warning.jsx';
import { useApp } from '../context.js';
import { LoadState, ScreenTitle } from '../ui.jsx';
import { CaseLine, useAllPages } from './common.jsx';

export function IntakeScreen() {
  const { t } = useApp();
  const cases = useAllPages('/cases?status=submitted');
  const items = cases.data ? [...cases.data.items].reverse() : [];
  return (
    <section class="screen" aria-labelledby="screen-title">
      <ScreenTitle>{t('ui.desk.intake.title')}</ScreenTitle>
      <AdminCalendarWarning />
      <p>{t('ui.desk.intake.explain')}</p>
      <div class="actions">
        <button type="button" class="button button-secondary" onClick={cases.reload}>{t('ui.desk.refresh')}</button>
        {/* Escalations (超期督办) and bad ratings arrive in the inbox; the desk's nav has no room for it. */}
        <a class="button button-secondary" href="#/inbox">{t('ui.nav.inbox')}</a>
      </div>
      <LoadState state={cases} />
      {cases.data && (items.length ? (
        <>
          <p role="status">{t('ui.desk.intake.count', { count: items.length })}</p>
          <ul class="list desk-list">
            {items.map((item) => <CaseLine key={item.id} item={item} />)}
          </ul>
          {cases.data.next_cursor && <p class="notice">{t('ui.desk.more_than', { count: items.length })}</p>}
        </>
      ) : (
        <p role="status">{t('ui.desk.intake.empty')}</p>
      ))}
    </section>
  );
}
