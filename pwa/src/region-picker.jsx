// Where the case is: the user's home grid by default, or a grid picked by
// cascading township → village → grid lists (GET /regions?parent=).

import { useEffect, useState } from 'preact/hooks';

import { useApp } from './context.js';

const LEVELS = ['township', 'village', 'grid'];

export function RegionPicker({ value, onChange }) {
  const { t, api, session } = useApp();
  const home = session.user.region;
  const [picking, setPicking] = useState(!home || home.level !== 'grid');
  const [chosen, setChosen] = useState([]); // codes picked so far, one per level
  const [options, setOptions] = useState([]); // lists per level
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    if (!picking) return;
    api('/regions').then((page) => {
      const county = page.items[0];
      return county ? api(`/regions?parent=${county.code}`) : { items: [] };
    }).then((page) => setOptions([page.items]), () => setFailed(true));
  }, [picking]);

  function choose(levelIndex, code) {
    const nextChosen = [...chosen.slice(0, levelIndex), code];
    setChosen(nextChosen);
    setOptions((current) => current.slice(0, levelIndex + 1));
    if (levelIndex === LEVELS.length - 1) {
      const grid = options[levelIndex].find((item) => item.code === code);
      onChange(grid ? { code: grid.code, name: grid.name } : null);
      return;
    }
    onChange(null);
    if (!code) return;
    api(`/regions?parent=${code}`).then(
      (page) => setOptions((current) => [...current.slice(0, levelIndex + 1), page.items]),
      () => setFailed(true),
    );
  }

  if (!picking) {
    return (
      <div class="field">
        <span class="field-label" id="region-label">{t('ui.submit.region')}</span>
        <p aria-labelledby="region-label">{value ? value.name : ''}</p>
        <button type="button" class="button button-secondary" onClick={() => { setPicking(true); onChange(null); }}>
          {t('ui.submit.region_change')}
        </button>
      </div>
    );
  }
  return (
    <fieldset class="fieldset">
      <legend>{t('ui.submit.region')}</legend>
      {failed && <p class="message message-error" role="alert">{t('ui.common.network_error')}</p>}
      {options.map((items, index) => (
        <div class="field" key={LEVELS[index]}>
          <label for={`region-${LEVELS[index]}`}>{t(`ui.region.${LEVELS[index]}`)}</label>
          <select
            id={`region-${LEVELS[index]}`}
            class="input"
            value={chosen[index] || ''}
            onChange={(event) => choose(index, event.currentTarget.value)}
          >
            <option value="">{t('ui.region.choose')}</option>
            {items.map((item) => <option key={item.code} value={item.code}>{item.name}</option>)}
          </select>
        </div>
      ))}
    </fieldset>
  );
}
