// Pieces the admin screens share: a done line, one action at a time, the save
// of an inline edit, and picking a region of the admin's county down to a given level.

import { useEffect, useState } from 'preact/hooks';

import { NetworkError } from '../api.js';
import { useApp } from '../context.js';
import { ErrorLine, describeError } from '../ui.jsx';

export function DoneLine({ text }) {
  return <div role="status" class={text ? 'notice' : undefined}>{text || ''}</div>;
}

/**
 * One server call at a time with its error and done message: {busy, error, done, run}.
 * `run(call, doneText)` resolves to the answer, or null after showing the error.
 */
export function useAction() {
  const { t } = useApp();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [done, setDone] = useState(null);
  async function run(call, doneText = null) {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const answer = await call();
      setDone(doneText);
      return answer === undefined ? true : answer;
    } catch (failure) {
      setError(failure instanceof NetworkError ? t('ui.case.offline_action') : describeError(t, failure));
      return null;
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, done, run, setError, setDone };
}

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
      <ErrorLine text={action.error} />
      <div class="actions">
        <button type="submit" class="button button-primary" disabled={action.busy}>{t('ui.admin.save')}</button>
        <button type="button" class="button button-secondary" disabled={action.busy} onClick={onCancel}>{t('ui.admin.cancel')}</button>
      </div>
    </>
  );
}

const LEVELS = ['county', 'township', 'village', 'grid'];

/**
 * Cascading lists from the admin's county down to `level` (township, village or grid).
 * `onChange(code or null)` fires with the region picked at `level`.
 */
export function RegionCascade({ level, idPrefix, onChange, legend }) {
  const { t, api, session } = useApp();
  const county = session.user.region ? session.user.region.code.slice(0, 6) : '';
  const depth = Math.max(1, LEVELS.indexOf(level));
  const [chosen, setChosen] = useState([]);
  const [options, setOptions] = useState([]);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    setChosen([]);
    setOptions([]);
    onChange(null);
    if (!county) return;
    api(`/regions?parent=${county}`).then((page) => setOptions([page.items]), () => setFailed(true));
  }, [level, county]);

  function choose(index, code) {
    setChosen((current) => [...current.slice(0, index), code]);
    setOptions((current) => current.slice(0, index + 1));
    if (index + 1 === depth) {
      onChange(code || null);
      return;
    }
    onChange(null);
    if (!code) return;
    api(`/regions?parent=${code}`).then(
      (page) => setOptions((current) => [...current.slice(0, index + 1), page.items]),
      () => setFailed(true),
    );
  }

  return (
    <fieldset class="fieldset">
      <legend>{legend}</legend>
      {failed && <p class="message message-error" role="alert">{t('ui.common.network_error')}</p>}
      {options.map((items, index) => {
        const name = LEVELS[index + 1];
        return (
          <div class="field" key={name}>
            <label for={`${idPrefix}-${name}`}>{t(`ui.admin.level.${name}`)}</label>
            <select id={`${idPrefix}-${name}`} class="input" value={chosen[index] || ''}
              onChange={(event) => choose(index, event.currentTarget.value)}>
              <option value="">{t('ui.region.choose')}</option>
              {items.map((item) => <option key={item.code} value={item.code}>{item.name}</option>)}
            </select>
          </div>
        );
      })}
    </fieldset>
  );
}

/** The home-region level each role needs (accounts.service.HOME_LEVELS). */
export const ROLE_LEVEL = { resident: 'grid', grid_worker: 'grid', staff: 'township', admin: 'county' };
export const ROLES = ['resident', 'grid_worker', 'staff', 'admin'];
export const FLAGS = ['elderly', 'disabled', 'lives_alone'];
