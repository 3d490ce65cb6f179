// A task's metrics drawn by their FATE metric type: curves (LOSS over iterations, ROC, KS, LIFT,
// GAIN, PRECISION/RECALL) with uPlot, summaries and confusion matrices as tables.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { get } from './api.js';
import { number } from './format.js';
import { usePolled } from './hooks.js';
import { Loading, Table } from './widgets.jsx';

// Metric types drawn together in one chart, with their axes.
const CURVES = {
  LOSS: { title: 'Loss', x: 'iteration', y: 'loss' },
  ROC_EVALUATION: { title: 'ROC', x: 'false positive rate', y: 'true positive rate' },
  KS_EVALUATION: { title: 'KS', x: 'threshold index', y: 'rate' },
  LIFT_EVALUATION: { title: 'Lift', x: 'quantile', y: 'lift' },
  GAIN_EVALUATION: { title: 'Gain', x: 'quantile', y: 'gain' },
  PRECISION_BINARY_EVALUATION: { title: 'Precision / recall', x: 'threshold', y: 'value', group: 'PR' },
  RECALL_BINARY_EVALUATION: { title: 'Precision / recall', x: 'threshold', y: 'value', group: 'PR' },
};
const COLOURS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2'];

function numericKeys(points) {
  return points.length > 0 && points.every((p) => p.key !== '' && !Number.isNaN(Number(p.key)));
}

/// One chart of several series; x values are aligned over their union when the series differ.
function Chart({ title, xLabel, yLabel, series }) {
  const el = useRef(null);
  const points = series.reduce((n, s) => n + s.x.length, 0);
  useEffect(() => {
    if (!el.current) return undefined;
    const same = series.every((s) => s.x.length === series[0].x.length && s.x.every((v, i) => v === series[0].x[i]));
    let data;
    if (same) {
      data = [series[0].x, ...series.map((s) => s.y)];
    } else {
      const xs = Array.from(new Set(series.flatMap((s) => s.x))).sort((a, b) => a - b);
      data = [xs, ...series.map((s) => {
        const at = new Map(s.x.map((x, i) => [x, s.y[i]]));
        return xs.map((x) => (at.has(x) ? at.get(x) : null));
      })];
    }
    const plot = new uPlot({
      width: 440, height: 260, title,
      scales: { x: { time: false } },
      axes: [{ label: xLabel }, { label: yLabel }],
      series: [{ label: xLabel }, ...series.map((s, i) => ({ label: s.label, stroke: COLOURS[i % COLOURS.length], width: 2,
        spanGaps: true, points: { show: s.x.length <= 60 } }))],
    }, data, el.current);
    return () => plot.destroy();
  }, [JSON.stringify(series)]);
  return <div class="chart" ref={el} data-chart={title} data-points={points} data-series={series.length} />;
}

function sortedSeries(m) {
  const pairs = m.data.map((p) => [Number(p.key), p.value]);
  // ROC keys repeat (many points share a false positive rate); keep the order they were logged in.
  if (m.type !== 'ROC_EVALUATION') pairs.sort((a, b) => a[0] - b[0]);
  return { label: m.name, x: pairs.map((p) => p[0]), y: pairs.map((p) => p[1]) };
}

export function MetricsView({ jobId, taskName, role, partyId, live }) {
  const t = { job_id: jobId, task_name: taskName, role, party_id: partyId };
  const state = usePolled(async () => {
    const keys = await get('/v2/output/metric/key/query', t);
    return Promise.all(keys.map(async (k) => (await get('/v2/output/metric/query', { ...t, namespace: k.namespace, name: k.name }))[0]));
  }, [jobId, taskName, role, partyId], live ? 2000 : 0);
  if (state.data === undefined) return <Loading state={state} />;
  const metrics = state.data.filter(Boolean);
  if (!metrics.length) return <div class="muted">This task logged no metrics here.</div>;
  const charts = new Map();
  const tables = [];
  for (const m of metrics) {
    const curve = CURVES[m.type];
    if (curve && numericKeys(m.data)) {
      const key = `${m.namespace}/${curve.group || m.type}`;
      if (!charts.has(key)) charts.set(key, { ...curve, namespace: m.namespace, series: [] });
      charts.get(key).series.push(sortedSeries(m));
    } else {
      tables.push(m);
    }
  }
  return (
    <div class="metrics">
      {tables.map((m) => (
        <div class="metric-table" data-metric={m.name} data-type={m.type}>
          <h3>{m.name} <span class="muted">{m.type} · {m.namespace}</span></h3>
          {m.type === 'CONFUSION_MAT' ? <Confusion points={m.data} /> : (
            <table class="grid">
              <tbody>{m.data.map((p) => <tr><th>{p.key}</th><td data-key={p.key}>{number(p.value)}</td></tr>)}</tbody>
            </table>
          )}
        </div>
      ))}
      <div class="charts">
        {[...charts.values()].map((c) => (
          <Chart title={`${c.title} (${c.namespace})`} xLabel={c.x} yLabel={c.y} series={c.series} />
        ))}
      </div>
    </div>
  );
}

function Confusion({ points }) {
  const v = Object.fromEntries(points.map((p) => [p.key, p.value]));
  if (!['tp', 'fp', 'tn', 'fn'].every((k) => k in v)) {
    return <Table header={['key', 'value']} rows={points.map((p) => [p.key, number(p.value)])} />;
  }
  return (
    <table class="grid confusion">
      <thead><tr><th /><th>predicted 1</th><th>predicted 0</th></tr></thead>
      <tbody>
        <tr><th>actual 1</th><td data-key="tp">{v.tp}</td><td data-key="fn">{v.fn}</td></tr>
        <tr><th>actual 0</th><td data-key="fp">{v.fp}</td><td data-key="tn">{v.tn}</td></tr>
      </tbody>
    </table>
  );
}
