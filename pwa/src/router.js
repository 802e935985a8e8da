// Hash routes (#/signin, #/) so every deep link is the same index.html on the server.

import { useEffect, useState } from 'preact/hooks';

export const ROUTES = { home: '/', signin: '/signin' };

/** The current route path; other hashes (e.g. #main from the skip link) are not routes. */
export function currentRoute() {
  const { hash } = window.location;
  return hash.startsWith('#/') ? hash.slice(1).split('?')[0] : ROUTES.home;
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
    return () => window.removeEventListener('hashchange', onHashChange);
  }, []);
  return route;
}
