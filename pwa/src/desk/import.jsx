// Catalog import from an XLSX or CSV sheet (the export's columns): a dry run
// first shows what each row would do, then the same file is imported for real.
// The per-row report is a table: line, code, what happened, why not.

import { useState } from 'preact/hooks';

import { Feedback, useAction } from '../action.jsx';
import { useApp } from '../context.js';
import { ScreenTitle } from '../ui.jsx';
import { DownloadButton } from './common.jsx';

export function ImportScreen() {
  const { t, api } = useApp();
  const [file, setFile] = useState(null);
  const [dryRun, setDryRun] = useState(true);
  const { busy, error, run, fail } = useAction({ offline: t('ui.common.network_error') });
  const [report, setReport] = useState(null);
  async function onSubmit(event) {
    event.preventDefault();
    if (!file) {
      fail(t('ui.desk.import.choose_file'));
      return;
    }
    const body = new FormData();
    body.append('file', file, file.name);
    body.append('dry_run', dryRun ? 'true' : 'false');
    setReport(null);
    const answer = await run(() => api('/services/import', { method: 'POST', body }));
    if (answer) setReport(answer);
  }
  return (
    <section class="screen" aria-labelledby="screen-title">
      <p><a href="#/desk/manage/services">{t('ui.desk.catalog.back')}</a></p>
      <ScreenTitle>{t('ui.desk.import.title')}</ScreenTitle>
      <p>{t('ui.desk.import.explain')}</p>
      <div class="actions">
        <DownloadButton path="/services/export?format=xlsx" filename="services.xlsx" label={t('ui.desk.import.template')} />
      </div>
      <form class="form card" onSubmit={onSubmit} noValidate>
        <div class="field">
          <label for="import-file">{t('ui.desk.import.file')}</label>
          <input
            id="import-file"
            class="input"
            type="file"
            accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
            onChange={(e) => { setFile(e.currentTarget.files[0] || null); setReport(null); }}
          />
        </div>
        <div class="choices">
          <label class="choice">
            <input type="checkbox" checked={dryRun} onChange={() => setDryRun(!dryRun)} />
            {t('ui.desk.import.dry_run')}
          </label>
        </div>
        <Feedback error={error} />
        <button type="submit" class="button button-primary" disabled={busy}>
          {dryRun ? t('ui.desk.import.check') : t('ui.desk.import.apply')}
        </button>
      </form>
      {report && <Report report={report} />}
    </section>
  );
}

function Report({ report }) {
  const { t } = useApp();
  const summary = t(report.dry_run ? 'ui.desk.import.summary_dry' : 'ui.desk.import.summary_done', {
    created: report.created, updated: report.updated, unchanged: report.unchanged, rejected: report.rejected,
  });
  return (
    <section aria-labelledby="report-title" class="import-report">
      <h2 id="report-title">{t('ui.desk.import.report')}</h2>
      <p role="status" class={report.rejected ? 'message message-error' : 'notice'}>{summary}</p>
      <div class="table-wrap" tabIndex={0} role="region" aria-label={t('ui.desk.import.table_label')}>
        <table class="table">
          <thead>
            <tr>
              <th scope="col">{t('ui.desk.import.line')}</th>
              <th scope="col">{t('ui.desk.catalog.code')}</th>
              <th scope="col">{t('ui.desk.import.result')}</th>
              <th scope="col">{t('ui.desk.import.reason')}</th>
            </tr>
          </thead>
          <tbody>
            {report.rows.map((row) => (
              <tr key={row.line} class={row.status === 'rejected' ? 'row-rejected' : undefined}>
                <td>{row.line}</td>
                <td>{row.code || ''}</td>
                <td>{t(`ui.desk.import.status.${row.status}`)}</td>
                <td>{row.message || ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
