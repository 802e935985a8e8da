// 管理: the catalog (edit, import, export) and notices.

import { useApp } from '../context.js';
import { ScreenTitle } from '../ui.jsx';

export function ManageScreen() {
  const { t } = useApp();
  return (
    <section class="screen" aria-labelledby="screen-title">
      <ScreenTitle>{t('ui.desk.manage.title')}</ScreenTitle>
      <ul class="list">
        <li><a class="card card-link" href="#/desk/manage/services"><span class="card-title">{t('ui.desk.catalog.title')}</span><span class="meta">{t('ui.desk.manage.catalog_explain')}</span></a></li>
        <li><a class="card card-link" href="#/desk/manage/import"><span class="card-title">{t('ui.desk.import.title')}</span><span class="meta">{t('ui.desk.manage.import_explain')}</span></a></li>
        <li><a class="card card-link" href="#/desk/manage/notices"><span class="card-title">{t('ui.desk.notices.title')}</span><span class="meta">{t('ui.desk.manage.notices_explain')}</span></a></li>
      </ul>
    </section>
  );
}
