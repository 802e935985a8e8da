// The staff side of the PWA lives in role areas, each a lazy chunk (build.mjs):
// a resident's phone never downloads them. An area module exports
// `AreaScreen({ path })`, which draws the screen for the rest of the hash route
// (#/desk/cases/12 → path '/cases/12'). The server checks every request; the roles
// here only decide what is offered.

import { useEffect, useState } from 'preact/hooks';

import { useApp } from './context.js';
import { HomeScreen } from './screens/home.jsx';

export const AREAS = {
  field: { roles: ['grid_worker'], load: () => import('./field/index.jsx') },
  desk: { roles: ['staff', 'admin'], load: () => import('./desk/index.jsx') },
  admin: { roles: ['admin'], load: () => import('./admin/index.jsx') },
};

/** Where each role lands after sign-in and on 首页. */
export const ROLE_HOME = { resident: '/', grid_worker: '/field', staff: '/desk', admin: '/desk' };

export function roleHome(role) {
  return ROLE_HOME[role] || '/';
}

export function mayEnter(area, role) {
  return Boolean(AREAS[area]) && AREAS[area].roles.includes(role);
}

const loaded = {};

export function AreaScreen({ area, path }) {
  const { t, session } = useApp();
  const allowed = mayEnter(area, session.user.role);
  const [module, setModule] = useState(() => loaded[area] || null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (!allowed || module) return;
    let live = true;
    AREAS[area].load().then(
      (value) => {
        loaded[area] = value;
        if (live) setModule(value);
      },
      (error) => {
        console.error(error);
        if (live) setFailed(true);
      },
    );
    return () => { live = false; };
  }, [area, allowed, module, failed]);
  if (!allowed) return <HomeScreen />;
  if (failed) {
    return (
      <section>
        <h1 tabIndex={-1}>{t('ui.area.load_failed')}</h1>
        <button type="button" class="button button-primary" onClick={() => setFailed(false)}>{t('app.retry')}</button>
      </section>
    );
  }
  if (!module) return <p role="status" class="loading">{t('app.loading')}</p>;
  const Screen = module.AreaScreen;
  return <Screen path={path} />;
}
