// 用户和角色: find users of the county by phone or name, register one, and change a
// user's role, home region, flags or whether the account is on (PATCH /users/{id}).

import { useEffect, useState } from 'preact/hooks';

import { Feedback, useAction } from '../action.jsx';
import { useApp } from '../context.js';
import { useApi } from '../data.js';
import { LoadState, ScreenTitle } from '../ui.jsx';
import { RegionPicker } from '../region-picker.jsx';
import { EditActions, FLAGS, saveChanges, useRoles } from './common.jsx';

export function UsersScreen() {
  const { t } = useApp();
  const { roles } = useRoles();
  const [typed, setTyped] = useState('');
  const [role, setRole] = useState('');
  const [query, setQuery] = useState('');
  const users = useApi(`/users${query}`);
  const more = useMore(query, users);
  function search(event) {
    event.preventDefault();
    const params = new URLSearchParams();
    if (typed.trim()) params.set('q', typed.trim());
    if (role) params.set('role', role);
    const text = params.toString();
    setQuery(text ? `?${text}` : '');
  }
  return (
    <section class="screen" aria-labelledby="screen-title">
      <ScreenTitle>{t('ui.admin.users.title')}</ScreenTitle>
      <p><a class="button button-primary" href="#/admin/users/new">{t('ui.admin.users.new')}</a></p>
      <form class="form search" role="search" onSubmit={search}>
        <div class="field">
          <label for="user-q">{t('ui.admin.users.search')}</label>
          <input id="user-q" class="input" type="search" maxLength={50} value={typed} placeholder={t('ui.admin.users.search_hint')}
            onInput={(event) => setTyped(event.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="user-role">{t('ui.admin.users.role')}</label>
          <select id="user-role" class="input" value={role} onChange={(event) => setRole(event.currentTarget.value)}>
            <option value="">{t('ui.admin.users.any_role')}</option>
            {roles.map((name) => <option key={name} value={name}>{t(`role.${name}`)}</option>)}
          </select>
        </div>
        <button type="submit" class="button button-secondary">{t('ui.admin.users.search_button')}</button>
      </form>
      <LoadState state={users} />
      {users.data && (users.data.items.length ? (
        <ul class="list" aria-label={t('ui.admin.users.list')}>
          {[...users.data.items, ...more.items].map((user) => <UserCard key={user.id} user={user} onSaved={users.reload} />)}
        </ul>
      ) : <p>{t('ui.admin.users.empty')}</p>)}
      <Feedback error={more.error} />
      {more.cursor && (
        <button type="button" class="button button-secondary" disabled={more.busy} onClick={more.load}>{t('ui.admin.users.more')}</button>
      )}
    </section>
  );
}

/** The pages after the first (GET /users?cursor=), appended when asked for; forgotten when the first page reloads. */
function useMore(query, first) {
  const { api } = useApp();
  const action = useAction();
  const [items, setItems] = useState([]);
  const [cursor, setCursor] = useState(null);
  useEffect(() => {
    setItems([]);
    setCursor(first.data ? first.data.next_cursor : null);
  }, [first.data]);
  async function load() {
    const joiner = query ? '&' : '?';
    const page = await action.run(() => api(`/users${query}${joiner}cursor=${cursor}`));
    if (page) {
      setItems((current) => [...current, ...page.items]);
      setCursor(page.next_cursor);
    }
  }
  return { items, cursor, load, busy: action.busy, error: action.error };
}

function describeUser(t, user) {
  const parts = [t(`role.${user.role}`), user.region ? user.region.name : t('ui.admin.users.no_region')];
  for (const flag of user.flags) parts.push(t(`flag.${flag}`));
  return parts.join(' · ');
}

function UserCard({ user, onSaved }) {
  const { t } = useApp();
  const [editing, setEditing] = useState(false);
  return (
    <li class="card">
      <p class="card-title" id={`user-${user.id}`}>
        {user.name || t('ui.admin.users.no_name')} <span class="meta">{user.phone}</span>
      </p>
      <p class="meta">{describeUser(t, user)}</p>
      {!user.active && <p><strong class="status status-rejected">{t('ui.admin.users.inactive')}</strong></p>}
      {editing ? (
        <UserEdit user={user} onDone={(saved) => { setEditing(false); if (saved) onSaved(); }} />
      ) : (
        <button type="button" class="button button-secondary" aria-describedby={`user-${user.id}`} onClick={() => setEditing(true)}>
          {t('ui.admin.users.edit')}
        </button>
      )}
    </li>
  );
}

function FlagChoices({ idPrefix, flags, setFlags }) {
  const { t } = useApp();
  function toggle(flag, on) {
    setFlags((current) => (on ? [...current.filter((item) => item !== flag), flag] : current.filter((item) => item !== flag)));
  }
  return (
    <fieldset class="fieldset">
      <legend>{t('ui.admin.users.flags')}</legend>
      <div class="choices">
        {FLAGS.map((flag) => (
          <label class="choice" key={flag}>
            <input type="checkbox" id={`${idPrefix}-${flag}`} checked={flags.includes(flag)}
              onChange={(event) => toggle(flag, event.currentTarget.checked)} />
            {t(`flag.${flag}`)}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function RoleSelect({ id, value, onChange }) {
  const { roles } = useRoles();
  const { t } = useApp();
  return (
    <div class="field">
      <label for={id}>{t('ui.admin.users.role')}</label>
      <select id={id} class="input" value={value} onChange={(event) => onChange(event.currentTarget.value)}>
        {roles.map((name) => <option key={name} value={name}>{t(`role.${name}`)}</option>)}
      </select>
    </div>
  );
}

/** The region a role's account lives in: picked down to the level the role needs; an admin's is the county. */
function HomeRegion({ level, role, idPrefix, onChange, legend }) {
  if (!level || level === 'county') return null;
  return <RegionPicker key={role} level={level} idPrefix={idPrefix} onChange={(picked) => onChange(picked && picked.code)} legend={legend} />;
}

function countyOf(session) {
  return session.user.region ? session.user.region.code.slice(0, 6) : null;
}

function UserEdit({ user, onDone }) {
  const { t, api, session } = useApp();
  const [name, setName] = useState(user.name);
  const [role, setRole] = useState(user.role);
  const [moving, setMoving] = useState(false);
  const [region, setRegion] = useState(null);
  const [flags, setFlags] = useState(user.flags);
  const [active, setActive] = useState(user.active);
  const action = useAction();
  const { levelOf } = useRoles();
  const prefix = `edit-${user.id}`;
  const needsRegion = role !== user.role || moving;

  async function save(event) {
    event.preventDefault();
    const body = {};
    if (name.trim() !== user.name) body.name = name.trim();
    if (needsRegion) {
      const code = levelOf[role] === 'county' ? countyOf(session) : region;
      if (!code) {
        action.fail(t('ui.admin.users.region_required'));
        return;
      }
      body.role = role;
      body.region = code;
    }
    if ([...flags].sort().join() !== [...user.flags].sort().join()) body.flags = flags;
    if (active !== user.active) body.active = active;
    await saveChanges(action, api, `/users/${user.id}`, body, onDone);
  }

  return (
    <form class="form" onSubmit={save} noValidate aria-label={t('ui.admin.users.edit_label', { name: user.name || user.phone })}>
      <div class="field">
        <label for={`${prefix}-name`}>{t('ui.admin.users.name')}</label>
        <input id={`${prefix}-name`} class="input" maxLength={50} value={name} onInput={(event) => setName(event.currentTarget.value)} />
      </div>
      <RoleSelect id={`${prefix}-role`} value={role} onChange={setRole} />
      {role === user.role && levelOf[role] !== 'county' && !moving && (
        <p>
          <span class="meta">{t('ui.admin.users.region_now', { name: user.region ? user.region.name : t('ui.admin.users.no_region') })}</span>{' '}
          <button type="button" class="button button-link" onClick={() => setMoving(true)}>{t('ui.admin.users.move')}</button>
        </p>
      )}
      {needsRegion && <HomeRegion level={levelOf[role]} role={role} idPrefix={prefix} onChange={setRegion} legend={t('ui.admin.users.region')} />}
      {role === 'resident' && <FlagChoices idPrefix={prefix} flags={flags} setFlags={setFlags} />}
      <label class="choice">
        <input type="checkbox" checked={active} onChange={(event) => setActive(event.currentTarget.checked)} />
        {t('ui.admin.users.active')}
      </label>
      <EditActions action={action} onCancel={() => onDone(false)} />
    </form>
  );
}

export function NewUserScreen() {
  const { t, api, session } = useApp();
  const [phone, setPhone] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState('resident');
  const [region, setRegion] = useState(null);
  const [flags, setFlags] = useState([]);
  const action = useAction();
  const { levelOf } = useRoles();
  const [created, setCreated] = useState(null);

  async function create(event) {
    event.preventDefault();
    if (!phone.trim()) {
      action.fail(t('error.auth.phone_invalid'));
      return;
    }
    const code = levelOf[role] === 'county' ? countyOf(session) : region;
    if (!code) {
      action.fail(t('ui.admin.users.region_required'));
      return;
    }
    const body = { phone: phone.trim(), name: name.trim(), role, region: code, flags: role === 'resident' ? flags : [] };
    const user = await action.run(() => api('/users', { method: 'POST', body }));
    if (user) {
      setCreated(user);
      setPhone('');
      setName('');
      setFlags([]);
    }
  }

  return (
    <section class="screen" aria-labelledby="screen-title">
      <ScreenTitle>{t('ui.admin.users.new')}</ScreenTitle>
      <p><a href="#/admin/users">{t('ui.admin.users.back')}</a></p>
      <Feedback done={created && t('ui.admin.users.created', { name: created.name || created.phone, role: t(`role.${created.role}`) })} />
      <form class="form" onSubmit={create} noValidate>
        <div class="field">
          <label for="new-phone">{t('ui.admin.users.phone')}</label>
          <input id="new-phone" class="input input-phone" type="tel" inputMode="tel" autoComplete="off" maxLength={20} value={phone}
            onInput={(event) => setPhone(event.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="new-name">{t('ui.admin.users.name')}</label>
          <input id="new-name" class="input" maxLength={50} value={name} onInput={(event) => setName(event.currentTarget.value)} />
        </div>
        <RoleSelect id="new-role" value={role} onChange={setRole} />
        <HomeRegion level={levelOf[role]} role={role} idPrefix="new" onChange={setRegion} legend={t('ui.admin.users.region')} />
        {role === 'resident' && <FlagChoices idPrefix="new" flags={flags} setFlags={setFlags} />}
        <Feedback error={action.error} />
        <button type="submit" class="button button-primary" disabled={action.busy}>{t('ui.admin.users.create')}</button>
      </form>
    </section>
  );
}
