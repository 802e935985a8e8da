// 居民: the residents of my grids, found by name, the last digits of their
// phone or the whole number; each one a tap away from a proxy submission. The
// whole list is kept for offline, and searched on the phone when there is no
// network. Phones come masked (138****0001): the worker reads them back, no more.

import { useState } from 'preact/hooks';

import { NetworkError } from '../http.js';
import { useApp } from '../context.js';
import { useApi } from '../data.js';
import { normalizeDigits } from '../phone.js';
import { LoadState, ScreenTitle } from '../ui.jsx';

const ALL = '/residents?limit=200';

/** The residents in `items` whose name contains `text` or whose phone ends in its digits. */
export function matchLocally(items, text) {
  const wanted = normalizeDigits(text).trim();
  if (!wanted) return items;
  const digits = wanted.replace(/\D/g, '');
  return items.filter((person) => person.name.includes(wanted)
    || (digits.length >= 4 && digits.length === wanted.length && person.phone_masked.endsWith(digits.slice(-4))));
}

export function ResidentsScreen() {
  const { t } = useApp();
  const [text, setText] = useState('');
  const [searched, setSearched] = useState('');
  const all = useApi(ALL, { offline: true });
  const found = useApi(searched ? `/residents?q=${encodeURIComponent(searched)}&limit=50` : null);
  const offline = found.error instanceof NetworkError;
  let items = null;
  if (!searched) items = all.data ? all.data.items : null;
  else if (found.data) items = found.data.items;
  else if (offline && all.data) items = matchLocally(all.data.items, searched);
  const onSubmit = (event) => {
    event.preventDefault();
    setSearched(text.trim());
  };
  return (
    <section class="screen" aria-labelledby="screen-title">
      <ScreenTitle>{t('ui.field.residents.title')}</ScreenTitle>
      <form class="search" role="search" onSubmit={onSubmit}>
        <label for="resident-search">{t('ui.field.residents.search')}</label>
        <div class="search-row">
          <input id="resident-search" class="input" type="search" maxLength={50} value={text} onInput={(e) => setText(e.currentTarget.value)} />
          <button type="submit" class="button button-primary">{t('ui.field.residents.search_button')}</button>
        </div>
      </form>
      {searched && !offline && <LoadState state={found} />}
      {(!searched || offline) && <LoadState state={all} />}
      {offline && <p class="notice" role="status">{t('ui.field.residents.offline_search')}</p>}
      {items && (
        <>
          <p role="status">{searched ? t('ui.field.residents.found', { count: items.length }) : t('ui.field.residents.count', { count: items.length })}</p>
          <ul class="list">
            {items.map((person) => <ResidentCard key={person.id} person={person} />)}
          </ul>
        </>
      )}
      <p><a class="button button-secondary" href="#/field/proxy">{t('ui.field.residents.new')}</a></p>
    </section>
  );
}

function ResidentCard({ person }) {
  const { t } = useApp();
  const params = new URLSearchParams({ resident: String(person.id), name: person.name, grid: person.region ? person.region.code : '' });
  const nameId = `resident-${person.id}`;
  return (
    <li class="card">
      <h2 class="card-title" id={nameId}>{person.name || t('ui.field.residents.no_name')}</h2>
      <p class="meta">{person.phone_masked} · {person.region ? person.region.name : ''}</p>
      {person.flags.length > 0 && <p class="meta">{person.flags.map((flag) => t(`flag.${flag}`)).join(t('ui.common.list_separator'))}</p>}
      <a class="button button-secondary" href={`#/field/proxy?${params}`} aria-describedby={nameId}>{t('ui.field.residents.proxy')}</a>
    </li>
  );
}
