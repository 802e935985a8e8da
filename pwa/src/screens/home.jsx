// Home: greeting, search (either script), the catalog by category, notices.

import { useEffect, useState } from 'preact/hooks';

import { ApiError } from '../http.js';
import { useApp } from '../context.js';
import { useApi } from '../data.js';
import { OutboxStatus } from '../nav.jsx';
import { formatPhone } from '../phone.js';
import { LoadState, ScreenTitle, formatDate } from '../ui.jsx';

const ROLES = ['resident', 'grid_worker', 'staff', 'admin'];

export function HomeScreen() {
  const { t, api, locale, session, signOut, updateUser } = useApp();
  const { user } = session;

  // Refresh the stored profile (also after a script switch: region names follow
  // Accept-Language); a token the server no longer accepts signs out.
  useEffect(() => {
    let current = true;
    api('/me').then(
      (fresh) => current && fresh && updateUser(fresh),
      (failure) => current && failure instanceof ApiError && failure.status === 401 && signOut(),
    );
    return () => {
      current = false;
    };
  }, [session.access_token, locale, api, signOut, updateUser]);

  const [query, setQuery] = useState('');
  const [searched, setSearched] = useState('');
  const catalog = useApi('/services', { offline: true });
  const results = useApi(searched ? `/services?q=${encodeURIComponent(searched)}` : null);
  const notices = useApi('/notices', { offline: true });

  const details = [ROLES.includes(user.role) ? t(`role.${user.role}`) : null, user.region ? user.region.name : null];
  const onSearch = (event) => {
    event.preventDefault();
    setSearched(query.trim());
  };

  return (
    <section class="screen home" aria-labelledby="screen-title">
      <ScreenTitle>{t('signin.signed_in', { name: user.name || formatPhone(user.phone) })}</ScreenTitle>
      <p class="lead">{details.filter(Boolean).join(' · ')}</p>
      <OutboxStatus />

      <div class="quick-actions">
        <a class="button button-primary" href="#/submit?kind=complaint">{t('ui.home.complain')}</a>
        <a class="button button-primary" href="#/submit?kind=suggestion">{t('ui.home.suggest')}</a>
        <a class="button button-primary" href="#/book">{t('ui.home.book')}</a>
      </div>

      <form class="search" role="search" onSubmit={onSearch}>
        <label for="search-input">{t('ui.home.search_label')}</label>
        <div class="search-row">
          <input
            id="search-input"
            class="input"
            type="search"
            maxLength={100}
            value={query}
            placeholder={t('ui.home.search_placeholder')}
            onInput={(event) => setQuery(event.currentTarget.value)}
          />
          <button type="submit" class="button button-primary">{t('ui.home.search')}</button>
        </div>
      </form>

      {searched && (
        <section aria-labelledby="results-title">
          <h2 id="results-title">{t('ui.home.results', { query: searched })}</h2>
          <LoadState state={results} />
          {results.data && (results.data.items.length ? (
            <ServiceList items={results.data.items} />
          ) : (
            <p>{t('ui.home.no_results')}</p>
          ))}
        </section>
      )}

      <section aria-labelledby="notices-title">
        <h2 id="notices-title">{t('ui.home.notices')}</h2>
        <LoadState state={notices} />
        {notices.data && (notices.data.items.length ? (
          <ul class="list">
            {notices.data.items.map((notice) => (
              <li key={notice.id} class="card">
                <h3>{notice.title}</h3>
                <p class="meta">{formatDate(notice.published_at, locale)}</p>
                <p>{notice.body}</p>
              </li>
            ))}
          </ul>
        ) : (
          <p>{t('ui.home.no_notices')}</p>
        ))}
      </section>

      <section aria-labelledby="catalog-title">
        <h2 id="catalog-title">{t('ui.home.categories')}</h2>
        <LoadState state={catalog} />
        {catalog.data && <Categories items={catalog.data.items} />}
      </section>

      <button type="button" class="button button-secondary" onClick={signOut}>{t('signin.sign_out')}</button>
    </section>
  );
}

// Notices come before the catalog: they are short and arrive first, so the long
// catalog grows at the bottom instead of pushing what is already on screen.
// A category's list is only built once it is opened (a slow phone's first paint).
function Categories({ items }) {
  const [opened, setOpened] = useState(() => new Set());
  const onToggle = (code) => (event) => {
    if (event.currentTarget.open) setOpened((current) => (current.has(code) ? current : new Set(current).add(code)));
  };
  const groups = new Map();
  for (const item of items) {
    if (!groups.has(item.category)) groups.set(item.category, { name: item.category_name, items: [] });
    groups.get(item.category).items.push(item);
  }
  return (
    <div class="categories">
      {[...groups.entries()].map(([code, group]) => (
        <details key={code} class="category" onToggle={onToggle(code)}>
          <summary>{group.name}<span class="count">{group.items.length}</span></summary>
          {opened.has(code) && <ServiceList items={group.items} />}
        </details>
      ))}
    </div>
  );
}

export function ServiceList({ items }) {
  return (
    <ul class="list service-list">
      {items.map((item) => (
        <li key={item.code}>
          <a class="list-link" href={`#/services/${encodeURIComponent(item.code)}`}>{item.name}</a>
        </li>
      ))}
    </ul>
  );
}
