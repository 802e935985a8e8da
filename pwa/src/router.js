// Hash routes (#/signin, #/services/AST-004, #/cases/12) so every deep link is
// the same index.html on the server.

import { useEffect, useState } from 'preact/hooks';

export const ROUTES = { home: '/', signin: '/signin', cases: '/cases', bookings: '/bookings', inbox: '/inbox', settings: '/settings' };

/** The current route path; other hashes (e.g. #main from the skip link) are not routes. */
export function currentRoute() {
  const { hash } = window.location;
  return hash.startsWith('#/') ? hash.slice(1).split('?')[0] : ROUTES.home;
}

/** The query part of the hash route: #/submit?service=X → URLSearchParams. */
export function routeQuery() {
  const { hash } = window.location;
  const at = hash.indexOf('?');
  return new URLSearchParams(at >= 0 ? hash.slice(at + 1) : '');
}

export function navigate(path, { replace = false } = {}) {
  if (replace) window.location.replace(`#${path}`);
  else window.location.hash = path;
}

export function useRoute() {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const onHashChange = () => setRoute(currentRoute());
    window.addEventListener('hashchange', onHashChange);
    // The hash may have changed between the first render and now (a link followed while a
    // busy phone was still starting the app): catch up, or that screen would never show.
    onHashChange();
    return () => window.removeEventListener('hashchange', onHashChange);
  }, []);
  return route;
}

/**
 * The app's own paths, in the order they are tried: the resident screens and the doors
 * to the role areas (areas.js: #/field/…, #/desk/…, #/admin/…; the rest of the path is
 * theirs). app.jsx's route table renders them; matchRoute() names them for the nav bar.
 */
export const PATHS = {
  area: /^\/(field|desk|admin)(\/.*)?$/,
  service: /^\/services\/([^/]+)$/,
  submit: /^\/submit$/,
  book: /^\/book$/,
  cases: /^\/cases$/,
  bookings: /^\/bookings$/,
  case: /^\/cases\/(\d+)$/,
  inbox: /^\/inbox$/,
  settings: /^\/settings$/,
  home: /^\/$/,
};

/**
 * The one route table helper, for the app and every role area: the first row of
 * `table` ([pattern, render]) whose pattern matches `path` gives the answer,
 * `render(...groups)` with the pattern's groups URI-decoded; no match: `fallback()`.
 *
 *   routeTo('/cases/12', [[/^\/cases\/(\d+)$/, (id) => <CaseScreen id={id} />]], () => <Home />)
 */
export function routeTo(path, table, fallback) {
  for (const [pattern, render] of table) {
    const match = pattern.exec(path);
    if (match) return render(...match.slice(1).map((group) => (group === undefined ? undefined : decodeURIComponent(group))));
  }
  return fallback();
}

/** {name, param, rest} for a route path; unknown paths are home. */
export function matchRoute(path) {
  return routeTo(
    path,
    Object.entries(PATHS).map(([name, pattern]) => [pattern, (param, rest) => ({ name, param: param || null, rest: rest || '/' })]),
    () => ({ name: 'home', param: null, rest: '/' }),
  );
}
