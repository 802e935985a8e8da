// The field area (areas.jsx): its screens by the rest of the hash route.

import { useApp } from '../context.js';

export function AreaScreen({ path }) {
  const { t } = useApp();
  return <h1 tabIndex={-1} data-area-path={path}>{t('ui.nav.field')}</h1>;
}
