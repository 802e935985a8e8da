// The statistics chart, drawn with uPlot (canvas). This module and uPlot form a
// chunk of their own that only the statistics screen imports, so neither the
// resident app nor the rest of the desk downloads it. Colours come from
// styles.css's --chart-* variables (the same ones the legend swatches use);
// uPlot styles its elements through element.style, which the CSP allows.

import uPlot from 'uplot';

/** Draws into `root`, replacing what was there; returns {destroy}. */
export function drawChart(root, { labels, series, countLabel, rateLabel, formatRate }) {
  const styles = getComputedStyle(root);
  const colour = (index) => styles.getPropertyValue(`--chart-${index}`).trim() || '#0a5196';
  const text = styles.getPropertyValue('color') || '#1b1b1b';
  const font = `${Math.round(parseFloat(styles.fontSize) * 0.8)}px ${styles.fontFamily}`;
  const x = labels.map((_, index) => index);
  const axis = {
    stroke: text, font, labelFont: font, grid: { stroke: '#d0d5da', width: 1 }, ticks: { stroke: '#5c6670', width: 1 },
  };
  const options = {
    width: Math.max(280, root.clientWidth),
    height: Math.max(220, Math.min(360, Math.round(root.clientWidth * 0.55))),
    legend: { show: false },
    cursor: { show: false },
    select: { show: false },
    scales: {
      x: { time: false, range: [-0.5, Math.max(0.5, labels.length - 0.5)] },
      count: { range: (u, min, max) => [0, Math.max(4, Math.ceil(max * 1.1))] },
      rate: { range: [0, 1] },
    },
    axes: [
      { ...axis, incrs: [1], values: (u, splits) => splits.map((value) => labels[value] || '') },
      { ...axis, scale: 'count', label: countLabel },
      { ...axis, scale: 'rate', side: 1, grid: { show: false }, label: rateLabel, values: (u, splits) => splits.map(formatRate) },
    ],
    series: [
      {},
      ...series.map((entry, index) => (entry.scale === 'count'
        ? {
          label: entry.label, scale: 'count', fill: colour(index), stroke: colour(index), width: 0,
          paths: uPlot.paths.bars({ size: [0.6, 60] }), points: { show: false },
        }
        : {
          label: entry.label, scale: 'rate', stroke: colour(index), width: 3, spanGaps: false,
          points: { show: true, size: 8, fill: colour(index), stroke: colour(index) },
        })),
    ],
  };
  root.textContent = '';
  const plot = new uPlot(options, [x, ...series.map((entry) => entry.values)], root);
  let observer = null;
  if (typeof ResizeObserver !== 'undefined') {
    observer = new ResizeObserver(() => {
      const width = Math.max(280, root.clientWidth);
      if (Math.abs(width - plot.width) > 4) plot.setSize({ width, height: Math.max(220, Math.min(360, Math.round(width * 0.55))) });
    });
    observer.observe(root);
  }
  return {
    destroy() {
      if (observer) observer.disconnect();
      plot.destroy();
    },
  };
}
