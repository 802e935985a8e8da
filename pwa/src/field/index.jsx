// The grid worker's area (网格员, phone first, often on one bar of signal):
// my tasks by deadline, a case's handling, bookings by day, residents of my
// grids and proxy submission, my weekly slots and leave. Every action goes
// through the offline outbox (field/send.jsx); the lists keep their last answer
// for reading offline.
//
//   /                      QueueScreen         my queue, due soon and overdue marked
//   /cases/ID              FieldCaseScreen     start, request information, resolve, handovers
//   /bookings              FieldBookingsScreen by day, check-in / check-out
//   /residents             ResidentsScreen     find a resident of my grids
//   /proxy?resident=ID…    ProxyScreen         submit on a resident's behalf (代办)
//   /slots                 SlotsScreen         weekly pattern, close a slot for leave

import { routeTo } from '../router.js';
import { FieldBookingsScreen } from './bookings.jsx';
import { FieldCaseScreen } from './case.jsx';
import { ProxyScreen } from './proxy.jsx';
import { QueueScreen } from './queue.jsx';
import { ResidentsScreen } from './residents.jsx';
import { SlotsScreen } from './slots.jsx';

const ROUTES = [
  [/^\/cases\/(\d+)$/, (id) => <FieldCaseScreen key={id} id={id} />],
  [/^\/bookings$/, () => <FieldBookingsScreen />],
  [/^\/residents$/, () => <ResidentsScreen />],
  [/^\/proxy$/, () => <ProxyScreen />],
  [/^\/slots$/, () => <SlotsScreen />],
];

export function AreaScreen({ path }) {
  return routeTo(path, ROUTES, () => <QueueScreen />);
}
