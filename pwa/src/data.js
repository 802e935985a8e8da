// Loading a screen's data: from the network, falling back to the last stored
// answer when offline (so the catalog and my cases stay readable).

import { useCallback, useEffect, useState } from 'preact/hooks';

import { ApiError, NetworkError } from './http.js';
import { useApp } from './context.js';
import { readCached, writeCached } from './store.js';

/**
 * {data, error, stale, loading, reload} for GET `path` (null: nothing to load).
 * With `offline: true` the answer is stored and shown again without a network.
 */
export function useApi(path, { offline = false } = {}) {
  const { api, locale, session, signOut } = useApp();
  const [state, setState] = useState({ data: null, error: null, stale: false, loading: true });
  const [round, setRound] = useState(0);
  const reload = useCallback(() => setRound((value) => value + 1), []);
  const userId = session ? session.user.id : 'anon';

  useEffect(() => {
    if (!path) return undefined;
    let alive = true;
    let answered = false;
    const key = `${userId}|${locale}|${path}`;
    setState((current) => ({ ...current, loading: true, error: null }));
    // On one bar of signal the stored copy shows at once, and the fresh answer replaces it.
    if (offline) {
      readCached(key).then((cached) => {
        if (alive && !answered && cached !== undefined) setState({ data: cached, error: null, stale: false, loading: true });
      });
    }
    api(path).then(
      (data) => {
        answered = true;
        // Kept even when the user has already moved on: it is the copy for next time.
        if (offline) writeCached(key, data);
        if (!alive) return;
        setState({ data, error: null, stale: false, loading: false });
      },
      async (error) => {
        answered = true;
        if (error instanceof ApiError && error.status === 401) signOut();
        const cached = offline && error instanceof NetworkError ? await readCached(key) : undefined;
        if (!alive) return;
        if (cached !== undefined) setState({ data: cached, error: null, stale: true, loading: false });
        else setState({ data: null, error, stale: false, loading: false });
      },
    );
    return () => {
      alive = false;
    };
  }, [path, locale, userId, round, api, offline, signOut]);

  return { ...state, reload };
}
