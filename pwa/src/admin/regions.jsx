// 地区: the county's tree one level at a time (#/admin/regions/CODE shows what lies
// below CODE), renaming a region in both scripts, and adding one below the parent
// with the next 3 digits of the code. Codes never change, so none is edited here.

import { useEffect, useState } from 'preact/hooks';

import { Feedback, useAction } from '../action.jsx';
import { useApp } from '../context.js';
import { useApi } from '../data.js';
import { LoadState, ScreenTitle } from '../ui.jsx';
import { EditActions, saveChanges } from './common.jsx';

const CHILD_LEVEL = { county: 'township', township: 'village', village: 'grid' };

function levelOfCode(code) {
  return { 6: 'county', 9: 'township', 12: 'village', 15: 'grid' }[code.length];
}

/** Names of the regions on the trail, in the reader's script (the county is the admin's own). */
function useTrailNames(codes) {
  const { api, session, locale } = useApp();
  const [names, setNames] = useState({});
  useEffect(() => {
    let live = true;
    const home = session.user.region;
    const known = home ? { [home.code]: home.name } : {};
    setNames(known);
    for (const code of codes.filter((item) => item.length > 6)) {
      api(`/regions?parent=${code.slice(0, -3)}`).then((page) => {
        const found = page.items.find((item) => item.code === code);
        if (live && found) setNames((current) => ({ ...current, [code]: found.name }));
      }, () => {});
    }
    return () => { live = false; };
  }, [codes.join(), locale]); // eslint-disable-line react-hooks/exhaustive-deps -- the codes' text is the key; a new array each render is not a change
  return names;
}

export function RegionsScreen({ code }) {
  const { t, session } = useApp();
  const county = session.user.region ? session.user.region.code.slice(0, 6) : '';
  const parent = code || county;
  const level = levelOfCode(parent);
  const childLevel = CHILD_LEVEL[level];
  const children = useApi(childLevel ? `/regions/manage?parent=${parent}` : null);
  const [added, setAdded] = useState(null);
  // The trail back up: every shorter code of this one is an ancestor.
  const trail = [];
  for (let length = 6; length < parent.length; length += 3) trail.push(parent.slice(0, length));
  const names = useTrailNames([...trail, parent]);
  return (
    <section class="screen" aria-labelledby="screen-title">
      <ScreenTitle>{t('ui.admin.regions.title')}</ScreenTitle>
      <nav aria-label={t('ui.admin.regions.trail')}>
        <ol class="admin-trail">
          {trail.map((item) => (
            <li key={item}><a href={item === county ? '#/admin/regions' : `#/admin/regions/${item}`}>{names[item] || item}</a></li>
          ))}
          <li aria-current="page">{names[parent] || parent}</li>
        </ol>
      </nav>
      {childLevel ? (
        <>
          <h2>{t('ui.admin.regions.below', { level: t(`ui.admin.level.${childLevel}`) })}</h2>
          <LoadState state={children} />
          <Feedback done={added && t('ui.admin.regions.added', { name: added.name_hans, code: added.code })} />
          {children.data && (children.data.items.length ? (
            <ul class="list">
              {children.data.items.map((item) => <RegionCard key={item.code} region={item} onSaved={children.reload} />)}
            </ul>
          ) : <p>{t('ui.admin.regions.empty')}</p>)}
          {children.data && (
            <AddRegion parent={parent} level={childLevel} taken={children.data.items.map((item) => item.code)}
              onAdded={(region) => { setAdded(region); children.reload(); }} />
          )}
        </>
      ) : <p>{t('ui.admin.regions.grid_has_none')}</p>}
    </section>
  );
}

function RegionCard({ region, onSaved }) {
  const { t } = useApp();
  const [renaming, setRenaming] = useState(false);
  const next = CHILD_LEVEL[region.level];
  return (
    <li class="card">
      <p class="card-title" id={`region-${region.code}`}>{region.name_hans} / {region.name_hant}</p>
      <p class="meta">{t('ui.admin.regions.code', { code: region.code, level: t(`ui.admin.level.${region.level}`) })}</p>
      {renaming ? (
        <RenameRegion region={region} onDone={(saved) => { setRenaming(false); if (saved) onSaved(); }} />
      ) : (
        <div class="actions">
          {next && (
            <a class="button button-secondary" href={`#/admin/regions/${region.code}`} aria-describedby={`region-${region.code}`}>
              {t('ui.admin.regions.open', { level: t(`ui.admin.level.${next}`) })}
            </a>
          )}
          <button type="button" class="button button-secondary" aria-describedby={`region-${region.code}`} onClick={() => setRenaming(true)}>
            {t('ui.admin.regions.rename')}
          </button>
        </div>
      )}
    </li>
  );
}

function NameFields({ idPrefix, hans, hant, setHans, setHant }) {
  const { t } = useApp();
  return (
    <>
      <div class="field">
        <label for={`${idPrefix}-hans`}>{t('ui.admin.regions.name_hans')}</label>
        <input id={`${idPrefix}-hans`} class="input" lang="zh-Hans" maxLength={50} value={hans} onInput={(event) => setHans(event.currentTarget.value)} />
      </div>
      <div class="field">
        <label for={`${idPrefix}-hant`}>{t('ui.admin.regions.name_hant')}</label>
        <input id={`${idPrefix}-hant`} class="input" lang="zh-Hant" maxLength={50} value={hant} onInput={(event) => setHant(event.currentTarget.value)} />
      </div>
    </>
  );
}

function RenameRegion({ region, onDone }) {
  const { t, api } = useApp();
  const [hans, setHans] = useState(region.name_hans);
  const [hant, setHant] = useState(region.name_hant);
  const action = useAction();
  async function save(event) {
    event.preventDefault();
    const body = {};
    if (hans !== region.name_hans) body.name_hans = hans;
    if (hant !== region.name_hant) body.name_hant = hant;
    await saveChanges(action, api, `/regions/${region.code}`, body, onDone);
  }
  return (
    <form class="form" onSubmit={save} noValidate aria-label={t('ui.admin.regions.rename_label', { name: region.name_hans })}>
      <NameFields idPrefix={`rename-${region.code}`} hans={hans} hant={hant} setHans={setHans} setHant={setHant} />
      <EditActions action={action} onCancel={() => onDone(false)} />
    </form>
  );
}

/** The next free 3-digit suffix after the codes already used (a suggestion; the admin may change it). */
function nextSuffix(parent, taken) {
  const used = taken.map((code) => Number(code.slice(parent.length))).filter((n) => n > 0);
  const next = used.length ? Math.max(...used) + 1 : 1;
  return next <= 999 ? String(next).padStart(3, '0') : '';
}

function AddRegion({ parent, level, taken, onAdded }) {
  const { t, api } = useApp();
  const [suffix, setSuffix] = useState(() => nextSuffix(parent, taken));
  const [hans, setHans] = useState('');
  const [hant, setHant] = useState('');
  const action = useAction();
  async function add(event) {
    event.preventDefault();
    const body = { parent, level, code: `${parent}${suffix.trim()}`, name_hans: hans, name_hant: hant };
    const region = await action.run(() => api('/regions', { method: 'POST', body }));
    if (region) {
      setHans('');
      setHant('');
      setSuffix(nextSuffix(parent, [...taken, region.code]));
      onAdded(region);
    }
  }
  return (
    <section class="card" aria-labelledby="add-region-title">
      <h2 id="add-region-title">{t('ui.admin.regions.add', { level: t(`ui.admin.level.${level}`) })}</h2>
      <form class="form" onSubmit={add} noValidate>
        <div class="field">
          <label for="add-region-code">{t('ui.admin.regions.code_label')}</label>
          <p class="meta" id="add-region-code-hint">{t('ui.admin.regions.code_hint', { parent })}</p>
          <div class="admin-code">
            <span aria-hidden="true">{parent}</span>
            <input id="add-region-code" class="input" inputMode="numeric" maxLength={3} value={suffix}
              aria-describedby="add-region-code-hint" onInput={(event) => setSuffix(event.currentTarget.value)} />
          </div>
        </div>
        <NameFields idPrefix="add-region" hans={hans} hant={hant} setHans={setHans} setHant={setHant} />
        <Feedback error={action.error} />
        <button type="submit" class="button button-primary" disabled={action.busy}>
          {t('ui.admin.regions.add_button', { level: t(`ui.admin.level.${level}`) })}
        </button>
      </form>
    </section>
  );
}
