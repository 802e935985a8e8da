// The county admin area (areas.jsx): users and roles, the region tree, holiday
// overrides and rating appeals, chosen by the rest of the hash route
// (#/admin/regions/990101001 → '/regions/990101001'). Only admins download it.

import { AdminCalendarWarning } from '../calendar-warning.jsx';
import { useApp } from '../context.js';
import { routeTo } from '../router.js';
import { ScreenTitle } from '../ui.jsx';
import { AppealsScreen } from './appeals.jsx';
import { HolidaysScreen } from './holidays.jsx';
import { RegionsScreen } from './regions.jsx';
import { NewUserScreen, UsersScreen } from './users.jsx';

const SECTIONS = ['users', 'regions', 'holidays', 'appeals'];

function AdminHome() {
  const { t } = useApp();
  return (
    <section class="screen" aria-labelledby="screen-title">
      <ScreenTitle>{t('ui.admin.title')}</ScreenTitle>
      <AdminCalendarWarning />
      <ul class="list">
        {SECTIONS.map((name) => (
          <li key={name}>
            <a class="card card-link" href={`#/admin/${name}`}>
              <span class="card-title">{t(`ui.admin.${name}.title`)}</span>
              <span class="meta">{t(`ui.admin.${name}.summary`)}</span>
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}

const ROUTES = [
  [/^\/?$/, () => <AdminHome />],
  [/^\/users$/, () => <UsersScreen />],
  [/^\/users\/new$/, () => <NewUserScreen />],
  [/^\/regions$/, () => <RegionsScreen key="county" code={null} />],
  [/^\/regions\/(\d{6,15})$/, (code) => <RegionsScreen key={code} code={code} />],
  [/^\/holidays$/, () => <HolidaysScreen />],
  [/^\/appeals$/, () => <AppealsScreen />],
];

export function AreaScreen({ path }) {
  return <div class="admin">{routeTo(path, ROUTES, () => <AdminHome />)}</div>;
}
