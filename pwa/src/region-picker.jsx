// The one region picker: cascading township → village → grid lists below the
// reader's county (GET /regions?parent=), down to `level`. `onChange({code, name})`
// fires with the region picked at that level, or null while none is.
//
// With `offerHome` (submitting a case) the user's home grid is the answer at
// first, with a 修改 button that opens the lists.

import { useEffect, useRef, useState } from 'preact/hooks';

import { useApp } from './context.js';

const LEVELS = ['county', 'township', 'village', 'grid'];

export function RegionPicker({ value, onChange, level = 'grid', idPrefix = 'region', legend, offerHome = false }) {
  const { t, api, session } = useApp();
  const home = session.user.region;
  const [picking, setPicking] = useState(!offerHome || !home || home.level !== 'grid');
  const [chosen, setChosen] = useState([]); // codes picked so far, one per level
  const [options, setOptions] = useState([]); // lists per level
  const [failed, setFailed] = useState(false);
  const depth = Math.max(1, LEVELS.indexOf(level));
  // The latest api for the effect, which runs again only when the lists must start over.
  const latest = useRef({ api });
  latest.current = { api };
  const county = home ? home.code.slice(0, 6) : null;

  useEffect(() => {
    if (!picking) return;
    const { api: call } = latest.current;
    setChosen([]);
    setOptions([]);
    const top = county ? Promise.resolve(county) : call('/regions').then((page) => (page.items[0] ? page.items[0].code : null));
    top.then((code) => (code ? call(`/regions?parent=${code}`) : { items: [] }))
      .then((page) => setOptions([page.items]), () => setFailed(true));
  }, [picking, county, level]);

  function choose(index, code) {
    setChosen((current) => [...current.slice(0, index), code]);
    setOptions((current) => current.slice(0, index + 1));
    if (index + 1 === depth) {
      const picked = options[index].find((item) => item.code === code);
      onChange(picked ? { code: picked.code, name: picked.name } : null);
      return;
    }
    onChange(null);
    if (!code) return;
    api(`/regions?parent=${code}`).then(
      (page) => setOptions((current) => [...current.slice(0, index + 1), page.items]),
      () => setFailed(true),
    );
  }

  if (!picking) {
    return (
      <div class="field">
        <span class="field-label" id={`${idPrefix}-label`}>{legend}</span>
        <p aria-labelledby={`${idPrefix}-label`}>{value ? value.name : ''}</p>
        <button type="button" class="button button-secondary" onClick={() => { setPicking(true); onChange(null); }}>
          {t('ui.submit.region_change')}
        </button>
      </div>
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
            <label for={`${idPrefix}-${name}`}>{t(`ui.region.${name}`)}</label>
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
