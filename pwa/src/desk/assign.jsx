// 派单 / 改派: to a grid worker or staff member who may take a case in its grid
// (GET /users/assignees?region=), or to a back office (department) by name.

import { useState } from 'preact/hooks';

import { Feedback, useMove } from '../action.jsx';
import { useApp } from '../context.js';
import { useApi } from '../data.js';

export function AssignForm({ item, action, onDone, idPrefix = 'assign' }) {
  const { t } = useApp();
  const people = useApi(`/users/assignees?region=${item.region.code}`);
  const [assignee, setAssignee] = useState('');
  const [department, setDepartment] = useState('');
  const [note, setNote] = useState('');
  const { busy, error, fail, move } = useMove(item.id, onDone);
  const items = people.data ? people.data.items.filter((person) => !item.assignee || person.id !== item.assignee.id) : [];
  const groups = ['grid_worker', 'staff'].map((role) => [role, items.filter((person) => person.role === role)]);
  const onSubmit = (event) => {
    event.preventDefault();
    if (!assignee && !department.trim()) {
      fail(t('ui.desk.assign.choose'));
      return;
    }
    const body = { action, note: note.trim() };
    if (assignee) body.assignee_id = Number(assignee);
    if (department.trim()) body.department = department.trim();
    move(body);
  };
  const title = action === 'assign' ? t('ui.desk.assign.title') : t('ui.desk.assign.title_again');
  return (
    <form class="form card" onSubmit={onSubmit} noValidate aria-labelledby={`${idPrefix}-title`}>
      <h2 id={`${idPrefix}-title`}>{title}</h2>
      <div class="field">
        <label for={`${idPrefix}-person`}>{t('ui.desk.assign.person')}</label>
        <select id={`${idPrefix}-person`} class="input" value={assignee} onChange={(e) => setAssignee(e.currentTarget.value)}>
          <option value="">{people.loading ? t('app.loading') : t('ui.desk.assign.nobody')}</option>
          {groups.map(([role, list]) => list.length > 0 && (
            <optgroup key={role} label={t(`role.${role}`)}>
              {list.map((person) => (
                <option key={person.id} value={String(person.id)}>{t('ui.desk.assign.option', { name: person.name, region: person.region.name })}</option>
              ))}
            </optgroup>
          ))}
        </select>
      </div>
      <div class="field">
        <label for={`${idPrefix}-department`}>{t('ui.desk.assign.department')}</label>
        <input id={`${idPrefix}-department`} class="input" maxLength={100} value={department} onInput={(e) => setDepartment(e.currentTarget.value)} />
      </div>
      <div class="field">
        <label for={`${idPrefix}-note`}>{t('ui.desk.note_optional')}</label>
        <textarea id={`${idPrefix}-note`} class="input textarea" rows={2} maxLength={2000} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      </div>
      <Feedback error={error} />
      <button type="submit" class="button button-primary" disabled={busy}>{title}</button>
    </form>
  );
}
