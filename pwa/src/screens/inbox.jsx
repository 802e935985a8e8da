// The in-app inbox: every notification lands here, push or not.

import { useApp } from '../context.js';
import { useApi } from '../data.js';
import { LoadState, ScreenTitle, formatDate } from '../ui.jsx';

export function InboxScreen() {
  const { t, api, locale } = useApp();
  const state = useApi('/notifications', { offline: true });
  const open = (item) => {
    if (!item.read_at) api(`/notifications/${item.id}/read`, { method: 'POST' }).then(state.reload, () => {});
  };
  return (
    <section class="screen" aria-labelledby="screen-title">
      <ScreenTitle>{t('ui.inbox.title')}</ScreenTitle>
      <LoadState state={state} />
      {state.data && (
        <>
          <p class="lead" role="status">{t('ui.inbox.unread', { count: state.data.unread || 0 })}</p>
          {state.data.items.length ? (
            <ul class="list">
              {state.data.items.map((item) => (
                <li key={item.id} class={item.read_at ? 'card' : 'card unread'}>
                  <h2 class="card-title">
                    {!item.read_at && <span class="badge">{t('ui.inbox.new')}</span>}
                    {item.title}
                  </h2>
                  <p>{item.body}</p>
                  <p class="meta">{formatDate(item.created_at, locale)}</p>
                  <div class="actions">
                    {item.case_id && (
                      <a class="button button-secondary" href={`#/cases/${item.case_id}`} onClick={() => open(item)}>{t('ui.inbox.open_case')}</a>
                    )}
                    {!item.read_at && (
                      <button type="button" class="button button-secondary" onClick={() => open(item)}>{t('ui.inbox.mark_read')}</button>
                    )}
                  </div>
                </li>
              ))}
            </ul>
          ) : (
            <p>{t('ui.inbox.empty')}</p>
          )}
        </>
      )}
    </section>
  );
}
