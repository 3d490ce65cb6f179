// One task of a job at this party: attempts and traffic, parameters per role and party, the live
// log, metrics plotted by their FATE type, data outputs and the model.
import { useEffect, useRef, useState } from 'preact/hooks';
import { get } from './api.js';
import { MetricsView } from './metrics.jsx';
import { bytes, duration, number, time } from './format.js';
import { usePolled } from './hooks.js';
import { ErrorLine, Loading, StatusBadge, Table, Tabs } from './widgets.jsx';

function Overview({ jobId, taskName, task }) {
  const attempts = usePolled(() => get('/v2/job/task/query', { job_id: jobId, task_name: taskName, all: true }),
    [jobId, taskName], 2000);
  return (
    <div>
      <h3>At every party (latest attempt)</h3>
      {task && (
        <Table className="grid parties-table" header={['Party', 'Status', 'Progress', 'Sent', 'Received', 'Reason']}
          rows={task.parties.map((p) => [
            `${p.role} ${p.party_id}`, <StatusBadge status={p.status} />, p.progress === undefined ? '' : `${p.progress}%`,
            p.federation ? `${bytes(p.federation.sent_bytes)} in ${p.federation.sent_messages} messages` : '',
            p.federation ? `${bytes(p.federation.received_bytes)} in ${p.federation.received_messages} messages` : '',
            p.failure_reason || '',
          ])} />
      )}
      <h3>Attempts here</h3>
      <Loading state={attempts} />
      {attempts.data && (
        <Table className="grid attempts-table"
          header={['Attempt', 'Role', 'Party', 'Here', 'Federated', 'Provider', 'pid', 'Started', 'Duration', 'Sent', 'Received', 'Reason']}
          rows={attempts.data.map((a) => [
            a.task_version, a.role, a.party_id, <StatusBadge status={a.party_status} />, <StatusBadge status={a.status} />,
            a.provider_name, a.run_pid || '', time(a.start_time), duration(a.elapsed),
            bytes(a.federation.sent_bytes), bytes(a.federation.received_bytes), a.failure_reason,
          ])} />
      )}
    </div>
  );
}

function Parameters({ jobId, taskName }) {
  const state = usePolled(() => get('/v2/job/task/parameters', { job_id: jobId, task_name: taskName }), [jobId, taskName], 0);
  if (state.data === undefined) return <Loading state={state} />;
  const t = state.data;
  return (
    <div class="parameters">
      <p>Module <b>{t.module}</b>{t.provider && <> · provider {t.provider}</>}
        {t.inputs.length > 0 && <> · inputs {t.inputs.map((i) => `${i.kind} ${i.key} ← ${i.producer}.${i.output}`).join(', ')}</>}</p>
      {t.parties.map((p) => (
        <div class="party-parameters" data-party={`${p.role}:${p.party_id}`}>
          <h3>{p.role} {p.party_id}{!p.need_run && ' (does not run it)'}</h3>
          <pre class="json">{JSON.stringify(p.parameters, null, 2)}</pre>
        </div>
      ))}
    </div>
  );
}

/// The log's last lines, then every new line as it is written; a search asks the server.
function Log({ jobId, taskName, role, partyId }) {
  const [lines, setLines] = useState([]);
  const [error, setError] = useState(null);
  const [search, setSearch] = useState('');
  const [follow, setFollow] = useState(true);
  const last = useRef(0);
  const box = useRef(null);
  const base = { job_id: jobId, log_type: 'task', role, party_id: partyId, task_name: taskName };
  useEffect(() => {
    let stopped = false;
    last.current = 0;
    setLines([]);
    const poll = async () => {
      try {
        const params = search ? { ...base, contains: search, limit: 2000 }
          : last.current === 0 ? { ...base, tail: 500 } : { ...base, begin: last.current + 1, limit: 2000 };
        const data = await get('/v2/log/query', params);
        if (stopped) return;
        setError(null);
        if (search) {
          setLines(data.lines);
        } else if (data.lines.length) {
          last.current = data.lines[data.lines.length - 1].line_num;
          setLines((old) => [...old, ...data.lines].slice(-5000));
        }
      } catch (e) {
        if (!stopped) setError(e);
      }
    };
    poll();
    const timer = search ? null : setInterval(poll, 1000);
    return () => { stopped = true; if (timer) clearInterval(timer); };
  }, [jobId, taskName, role, partyId, search]);
  useEffect(() => {
    if (follow && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [lines, follow]);
  return (
    <div class="log">
      <div class="log-tools">
        <input name="log-search" placeholder="search the log" value={search} onChange={(e) => setSearch(e.target.value)} />
        <label><input type="checkbox" name="follow" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> follow</label>
        <span class="muted" data-lines={lines.length}>{search ? `${lines.length} matching lines` : `${lines.length} lines (live)`}</span>
      </div>
      <ErrorLine error={error} />
      <pre class="log-lines" ref={box}>{lines.map((l) => (
        <div class="log-line" data-line={l.line_num}><span class="line-num">{l.line_num}</span>{l.content}</div>
      ))}</pre>
    </div>
  );
}

function DataOutputs({ jobId, taskName, role, partyId }) {
  const t = { job_id: jobId, task_name: taskName, role, party_id: partyId };
  const state = usePolled(async () => {
    const outputs = await get('/v2/output/data/table', t);
    return Promise.all(outputs.map(async (o) => ({ ...o,
      preview: await get('/v2/output/data/display', { ...t, output_key: o.output_key, limit: 20 }) })));
  }, [jobId, taskName, role, partyId], 0);
  if (state.data === undefined) return <Loading state={state} />;
  if (!state.data.length) return <div class="muted">This task has no data output here.</div>;
  return state.data.map((o) => (
    <div class="data-output" data-output={o.output_key}>
      <h3>{o.output_key}: {o.count} rows</h3>
      <Table className="grid data-table" header={o.preview.header} rows={o.preview.rows} />
    </div>
  ));
}

function Model({ jobId, taskName, role, partyId }) {
  const state = usePolled(() => get('/v2/output/model/query', { job_id: jobId, task_name: taskName, role, party_id: partyId }),
    [jobId, taskName, role, partyId], 0);
  if (state.data === undefined) return <Loading state={state} />;
  if (!state.data.length) return <div class="muted">This task has no model output here.</div>;
  return state.data.map((m) => {
    const { weights, intercept, ...rest } = m.meta || {};
    const entries = weights ? Object.entries(weights).sort((a, b) => Math.abs(b[1]) - Math.abs(a[1])) : [];
    const largest = entries.length ? Math.abs(entries[0][1]) || 1 : 1;
    return (
      <div class="model" data-model={m.output_key}>
        <h3>{m.type_name} ({m.output_key})</h3>
        <dl class="facts">{Object.entries(rest).map(([k, v]) => <><dt>{k}</dt><dd>{String(v)}</dd></>)}
          {intercept !== undefined && <><dt>intercept</dt><dd>{number(intercept)}</dd></>}</dl>
        {entries.length > 0 && (
          <table class="grid weights" data-weights={entries.length}>
            <thead><tr><th>Feature (this party's)</th><th>Weight</th><th /></tr></thead>
            <tbody>{entries.map(([f, w]) => (
              <tr><td>{f}</td><td>{number(w)}</td>
                <td><span class={w < 0 ? 'bar negative' : 'bar'} style={{ width: `${(Math.abs(w) / largest) * 160}px` }} /></td></tr>
            ))}</tbody>
          </table>
        )}
      </div>
    );
  });
}

export function TaskPanel({ jobId, taskName, role, partyId, task, module }) {
  const [tab, setTab] = useState('overview');
  const props = { jobId, taskName, role, partyId };
  return (
    <div class="task-panel" data-task={taskName}>
      <h2>{taskName} <span class="muted">{module}</span> <StatusBadge status={task ? task.status : 'waiting'} /></h2>
      <p class="muted">Outputs, logs and metrics of {role} {partyId} (this party); other parties' are on their own boards.</p>
      <Tabs tabs={['overview', 'parameters', 'log', 'metrics', 'data', 'model']} active={tab} onSelect={setTab} />
      {tab === 'overview' && <Overview {...props} task={task} />}
      {tab === 'parameters' && <Parameters {...props} />}
      {tab === 'log' && <Log {...props} />}
      {tab === 'metrics' && <MetricsView {...props} live={task && !['success', 'failed', 'canceled', 'timeout'].includes(task.status)} />}
      {tab === 'data' && <DataOutputs {...props} />}
      {tab === 'model' && <Model {...props} />}
    </div>
  );
}
