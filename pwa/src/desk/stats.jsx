// 统计: the 接诉即办 figures for a period (GET /stats/summary), as a chart and as
// a table with the same numbers (the table is the chart's text alternative), over
// time (day / week / month) or per village / grid / category / worker, and the
// XLSX download. The chart code (chart.js with uPlot) is imported here only.

import { useEffect, useRef, useState } from 'preact/hooks';

import { useApp } from '../context.js';
import { useApi } from '../data.js';
import { LoadState, ScreenTitle } from '../ui.jsx';
import { DownloadButton } from './common.jsx';

const TIME = ['day', 'week', 'month'];
const PLACES = ['village', 'grid', 'category', 'worker'];
const RATES = ['response_rate', 'resolution_rate', 'satisfaction_rate', 'on_time_rate'];
const COUNTS = ['submitted', 'accepted', 'resolved', 'rated', 'bad_ratings'];
const DAY_MS = 24 * 60 * 60 * 1000;

/** YYYY-MM-DD in Beijing time, the clock the statistics count in. */
function beijingDate(ms) {
  return new Date(ms + 8 * 60 * 60 * 1000).toISOString().slice(0, 10);
}

export function StatsScreen() {
  const { t, session } = useApp();
  // An admin's figures cover the county: its townships are worth comparing too.
  const places = session.user.role === 'admin' ? ['township', ...PLACES] : PLACES;
  const [period, setPeriod] = useState(() => ({ from: beijingDate(Date.now() - 29 * DAY_MS), to: beijingDate(Date.now()) }));
  const [groupBy, setGroupBy] = useState('day');
  const [draft, setDraft] = useState(period);
  const query = `from=${period.from}&to=${period.to}`;
  const summary = useApi(`/stats/summary?${query}&group_by=${groupBy}`);
  const data = summary.data;
  const onSubmit = (event) => {
    event.preventDefault();
    if (draft.from && draft.to) setPeriod(draft);
  };
  return (
    <section class="screen" aria-labelledby="screen-title">
      <ScreenTitle>{t('ui.desk.stats.title')}</ScreenTitle>
      <form class="form card stats-controls" onSubmit={onSubmit} noValidate>
        <div class="field">
          <label for="stats-group">{t('ui.desk.stats.group_by')}</label>
          <select id="stats-group" class="input" value={groupBy} onChange={(e) => setGroupBy(e.currentTarget.value)}>
            <optgroup label={t('ui.desk.stats.over_time')}>
              {TIME.map((value) => <option key={value} value={value}>{t(`stats.sheet.${value}`)}</option>)}
            </optgroup>
            <optgroup label={t('ui.desk.stats.compare')}>
              {places.map((value) => <option key={value} value={value}>{t(`stats.sheet.${value}`)}</option>)}
            </optgroup>
          </select>
        </div>
        <div class="field">
          <label for="stats-from">{t('ui.desk.stats.from')}</label>
          <input id="stats-from" class="input" type="date" value={draft.from} onInput={(e) => setDraft({ ...draft, from: e.currentTarget.value })} />
        </div>
        <div class="field">
          <label for="stats-to">{t('ui.desk.stats.to')}</label>
          <input id="stats-to" class="input" type="date" value={draft.to} onInput={(e) => setDraft({ ...draft, to: e.currentTarget.value })} />
        </div>
        <button type="submit" class="button button-secondary">{t('ui.desk.stats.apply')}</button>
      </form>
      <div class="actions">
        <DownloadButton path={`/stats/export.xlsx?${query}`} filename="stats.xlsx" label={t('ui.desk.stats.download')} />
      </div>
      <LoadState state={summary} />
      {data && (
        <>
          <p class="lead">{t('stats.period', { region: data.region_name, start: data.from, end: data.to })}</p>
          <Totals totals={data.totals} />
          <Chart data={data} groupBy={groupBy} />
          <GroupTable data={data} />
        </>
      )}
    </section>
  );
}

export function useRate() {
  const { t } = useApp();
  return (value) => (value === null || value === undefined ? t('ui.desk.stats.none') : t('ui.desk.stats.percent', { value: (Math.round(value * 1000) / 10).toString() }));
}

function Totals({ totals }) {
  const { t } = useApp();
  const rate = useRate();
  return (
    <dl class="facts stats-totals">
      {[...COUNTS, ...RATES].flatMap((key) => [
        <dt key={`${key}-t`}>{t(`stats.column.${key}`)}</dt>,
        <dd key={`${key}-d`}>{RATES.includes(key) ? rate(totals[key]) : totals[key]}</dd>,
      ])}
    </dl>
  );
}

function Chart({ data, groupBy }) {
  const { t } = useApp();
  const rate = useRate();
  const root = useRef(null);
  const [failed, setFailed] = useState(false);
  const labels = data.groups.map((group) => group.label);
  useEffect(() => {
    if (!data.groups.length) return undefined;
    let chart = null;
    let alive = true;
    import('./chart.js').then(({ drawChart }) => {
      if (!alive || !root.current) return;
      chart = drawChart(root.current, {
        labels,
        countLabel: t('stats.column.submitted'),
        rateLabel: t('ui.desk.stats.rate_axis'),
        formatRate: (value) => rate(value),
        series: [
          { label: t('stats.column.submitted'), scale: 'count', values: data.groups.map((g) => g.submitted) },
          ...RATES.map((key) => ({ label: t(`stats.column.${key}`), scale: 'rate', values: data.groups.map((g) => g[key]) })),
        ],
      });
    }, (error) => {
      console.error(error);
      if (alive) setFailed(true);
    });
    return () => {
      alive = false;
      if (chart) chart.destroy();
    };
  }, [data, groupBy]); // eslint-disable-line react-hooks/exhaustive-deps -- redraw for new figures only; labels follow from them
  if (!data.groups.length) return <p>{t('ui.desk.stats.no_groups')}</p>;
  return (
    <figure class="chart-figure" aria-labelledby="chart-caption">
      <figcaption id="chart-caption">{t('ui.desk.stats.chart_caption', { group: t(`stats.sheet.${groupBy}`) })}</figcaption>
      <ul class="chart-legend" aria-hidden="true">
        {[t('stats.column.submitted'), ...RATES.map((key) => t(`stats.column.${key}`))].map((label, index) => (
          <li key={label}><span class={`swatch swatch-${index}`} />{label}</li>
        ))}
      </ul>
      {failed ? <p class="message message-error">{t('ui.desk.stats.chart_failed')}</p> : (
        <div class="chart" ref={root} role="img" aria-label={t('ui.desk.stats.chart_label')} />
      )}
    </figure>
  );
}

function GroupTable({ data }) {
  const { t } = useApp();
  const rate = useRate();
  if (!data.groups.length) return null;
  return (
    <div class="table-wrap" tabIndex={0} role="region" aria-labelledby="stats-table-caption">
      <table class="table">
        <caption id="stats-table-caption">{t('ui.desk.stats.table_caption', { group: t(`stats.sheet.${data.group_by}`) })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('stats.column.group')}</th>
            {COUNTS.map((key) => <th key={key} scope="col">{t(`stats.column.${key}`)}</th>)}
            {RATES.map((key) => <th key={key} scope="col">{t(`stats.column.${key}`)}</th>)}
          </tr>
        </thead>
        <tbody>
          {data.groups.map((group) => (
            <tr key={group.key}>
              <th scope="row">{group.label}</th>
              {COUNTS.map((key) => <td key={key}>{group[key]}</td>)}
              {RATES.map((key) => <td key={key}>{rate(group[key])}</td>)}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
