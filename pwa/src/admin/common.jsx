// Pieces the admin screens share: a done line, one action at a time, the save
// of an inline edit, and picking a region of the admin's county down to a given level.

import { useApp } from '../context.js';
import { useApi } from '../data.js';
import { Feedback } from '../action.jsx';

/**
 * Saves an inline edit: PATCHes `path` with `body`, which holds only the fields
 * that changed; `onDone(saved)` closes the form, at once when nothing changed.
 */
export async function saveChanges(action, api, path, body, onDone) {
  if (!Object.keys(body).length) {
    onDone(false);
    return;
  }
  if (await action.run(() => api(path, { method: 'PATCH', body }))) onDone(true);
}

/** The foot of an inline edit: its error line, save and cancel. */
export function EditActions({ action, onCancel }) {
  const { t } = useApp();
  return (
    <>
      <Feedback error={action.error} />
      <div class="actions">
        <button type="submit" class="button button-primary" disabled={action.busy}>{t('ui.admin.save')}</button>
        <button type="button" class="button button-secondary" disabled={action.busy} onClick={onCancel}>{t('ui.admin.cancel')}</button>
      </div>
    </>
  );
}

/**
 * The roles and the region level each one's home is picked at (GET /users/roles, from
 * the server's HOME_LEVELS): {roles: [names], levelOf: {role: level}}; empty while loading.
 */
export function useRoles() {
  const answer = useApi('/users/roles', { offline: true });
  const items = answer.data ? answer.data.items : [];
  return { roles: items.map((item) => item.role), levelOf: Object.fromEntries(items.map((item) => [item.role, item.home_level])) };
}
export const FLAGS = ['elderly', 'disabled', 'lives_alone'];
