// The township staff desk (areas.jsx): intake, 督办, statistics, catalog and
// notices, chosen by the rest of the hash route (#/desk/cases/12 → '/cases/12').
// Desk-first but usable on a tablet or a phone; the statistics screen loads its
// chart library as a chunk of its own, only when opened.

import { routeTo } from '../router.js';
import { CaseDesk } from './case.jsx';
import { CatalogScreen, ServiceEditScreen } from './catalog.jsx';
import { ImportScreen } from './import.jsx';
import { IntakeScreen } from './intake.jsx';
import { ManageScreen } from './manage.jsx';
import { NoticesScreen } from './notices.jsx';
import { StatsScreen } from './stats.jsx';
import { SuperviseScreen } from './supervise.jsx';

const ROUTES = [
  [/^\/$/, () => <IntakeScreen />],
  [/^\/cases\/(\d+)$/, (id) => <CaseDesk key={id} id={id} />],
  [/^\/supervise$/, () => <SuperviseScreen />],
  [/^\/stats$/, () => <StatsScreen />],
  [/^\/manage$/, () => <ManageScreen />],
  [/^\/manage\/services$/, () => <CatalogScreen />],
  [/^\/manage\/services\/new$/, () => <ServiceEditScreen key="new" code={null} />],
  [/^\/manage\/services\/([^/]+)$/, (code) => <ServiceEditScreen key={code} code={code} />],
  [/^\/manage\/import$/, () => <ImportScreen />],
  [/^\/manage\/notices$/, () => <NoticesScreen />],
];

export function AreaScreen({ path }) {
  return <div class="desk">{routeTo(path, ROUTES, () => <IntakeScreen />)}</div>;
}
