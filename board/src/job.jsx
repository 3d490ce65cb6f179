// One job: its graph coloured live by status, the parties' failure reasons, stop and rerun, its
// DSL and conf, and the task chosen in the graph.
import { useState } from 'preact/hooks';
import { get, post } from './api.js';
import { Dag } from './dag.jsx';
import { duration, ENDED, elapsedOf, time } from './format.js';
import { go, usePolled } from './hooks.js';
import { TaskPanel } from './task.jsx';
import { ConfirmButton, ErrorLine, Loading, Progress, StatusBadge, Tabs } from './widgets.jsx';

/// The scheduler's federated view when this party schedules the job, else this party's own rows.
async function loadStatus(jobId) {
  const rows = await get('/v2/job/query', { job_id: jobId });
  if (!rows.length) throw new Error(`no job ${jobId} at this party`);
  const scheduler = rows[0].scheduler_party_id;
  let federated = null;
  let localTasks = null;
  try {
    federated = await get('/v2/job/status', { job_id: jobId });
  } catch {
    localTasks = await get('/v2/job/task/query', { job_id: jobId });
  }
  return { rows, scheduler, federated, localTasks };
}

/// name -> { status, attempt, parties: [{role, party_id, status, failure_reason, federation}] }.
function tasksOf(view) {
  const tasks = {};
  if (view.federated) {
    for (const t of view.federated.tasks) {
      const latest = t.attempts.find((a) => a.attempt === t.attempt) || { parties: [] };
      tasks[t.task_name] = { status: t.status, attempt: t.attempt, parties: latest.parties, module: t.module };
    }
  } else {
    for (const r of view.localTasks) {
      const t = tasks[r.task_name] || (tasks[r.task_name] = { status: r.status, attempt: r.task_version, parties: [] });
      t.parties.push({ role: r.role, party_id: r.party_id, status: r.party_status, failure_reason: r.failure_reason,
        federation: r.federation });
    }
  }
  return tasks;
}

function failuresOf(view) {
  if (view.federated) return view.federated.failures || [];
  return view.localTasks.filter((r) => r.failure_reason)
    .map((r) => ({ task_name: r.task_name, attempt: r.task_version, role: r.role, party_id: r.party_id,
      status: r.party_status, reason: r.failure_reason }));
}

function Actions({ jobId, status, components, roots, refresh }) {
  const ended = ENDED.includes(status);
  const [from, setFrom] = useState('');
  return (
    <div class="actions">
      <ConfirmButton name="stop" label="Stop" disabled={ended}
        question={`Stop job ${jobId} at every party? Running tasks are killed; the job ends canceled.`}
        onConfirm={async () => { await post('/v2/job/stop', { job_id: jobId, reason: 'stopped from the board' }); refresh(); }} />
      <ConfirmButton name="rerun" label="Rerun" disabled={!ended}
        question={`Rerun job ${jobId} at every party?`}
        onConfirm={async () => { await post('/v2/job/rerun', { job_id: jobId, component_name: from || undefined }); refresh(); }}>
        <label>What <select name="rerun-from" value={from} onChange={(e) => setFrom(e.target.value)}>
          <option value="">its unsuccessful tasks</option>
          {roots.length === 1 && <option value={roots[0]}>{`the whole job (from ${roots[0]})`}</option>}
          {components.filter((c) => roots.length !== 1 || c !== roots[0])
            .map((c) => <option value={c}>{`from ${c} and everything after it`}</option>)}
        </select></label>
      </ConfirmButton>
    </div>
  );
}

function JsonView({ path, jobId }) {
  const state = usePolled(() => get(path, { job_id: jobId }), [path, jobId], 0);
  return (
    <div>
      <Loading state={state} />
      {state.data !== undefined && <pre class="json">{JSON.stringify(state.data, null, 2)}</pre>}
    </div>
  );
}

export function JobPage({ jobId, query }) {
  const [byParty, setByParty] = useState(false);
  const [tab, setTab] = useState('graph');
  const status = usePolled(() => loadStatus(jobId), [jobId], 1000);
  const dependency = usePolled(() => get('/v2/job/dag/dependency', { job_id: jobId }), [jobId], 0);
  if (status.data === undefined || dependency.data === undefined) {
    return <section class="page"><h1>Job {jobId}</h1><Loading state={status.data === undefined ? status : dependency} /></section>;
  }
  const view = status.data;
  const job = view.federated || view.rows[0];
  const here = view.rows.find((r) => r.role === query.role && r.party_id === query.party_id) || view.rows[0];
  const tasks = tasksOf(view);
  const failures = failuresOf(view);
  const selected = query.task;
  const select = (name) => go(`job/${jobId}`, { role: here.role, party_id: here.party_id, task: name });
  return (
    <section class="page job-page" data-job={jobId} data-status={job.status}>
      <h1>Job {jobId} <StatusBadge status={job.status} /></h1>
      <ErrorLine error={status.error} />
      <dl class="facts">
        <dt>Progress</dt><dd><Progress value={job.progress} /></dd>
        <dt>Here</dt><dd>{view.rows.map((r) => `${r.role} ${r.party_id} (${r.status})`).join(', ')}</dd>
        <dt>Initiator</dt><dd>{job.initiator_party_id}</dd>
        <dt>Scheduler</dt><dd>{view.scheduler}{!view.federated && ' (its server has the federated view of every party)'}</dd>
        <dt>Created</dt><dd>{time(job.create_time)}</dd>
        <dt>Duration</dt><dd>{duration(elapsedOf(job, Date.now()))}</dd>
        {here.description && <><dt>Description</dt><dd>{here.description}</dd></>}
        {job.failure_reason && <><dt>Reason</dt><dd class="reason">{job.failure_reason}</dd></>}
        {job.waiting_reason && <><dt>Waiting</dt><dd>{job.waiting_reason}</dd></>}
      </dl>
      <Actions jobId={jobId} status={job.status} components={dependency.data.component_list.map((c) => c.component_name)}
        roots={dependency.data.component_list.map((c) => c.component_name)
          .filter((c) => !(dependency.data.dependencies[c] || []).length)}
        refresh={status.refresh} />
      {failures.length > 0 && (
        <div class="failures" role="alert">
          <h2>Failures</h2>
          <ul>{failures.map((f) => (
            <li class="failure" data-task={f.task_name} data-party={`${f.role}:${f.party_id}`}>
              <b>{f.task_name}</b> (attempt {f.attempt}) at <b>{f.role} {f.party_id}</b>: {f.status}: {f.reason}
            </li>
          ))}</ul>
        </div>
      )}
      <div class="job-body">
        <div class="job-left">
          <Tabs tabs={['graph', 'dsl', 'conf']} active={tab} onSelect={setTab} />
          {tab === 'graph' && (
            <div class="graph-panel">
              <label class="toggle"><input type="checkbox" name="by-party" checked={byParty}
                onChange={(e) => setByParty(e.target.checked)} /> each party's status</label>
              <div class="dag-scroll">
                <Dag dependency={dependency.data} tasks={tasks} byParty={byParty} selected={selected} onSelect={select} />
              </div>
            </div>
          )}
          {tab === 'dsl' && <JsonView path="/v2/job/dsl" jobId={jobId} />}
          {tab === 'conf' && <JsonView path="/v2/job/conf" jobId={jobId} />}
        </div>
        <div class="job-right">
          {selected ? (
            <TaskPanel jobId={jobId} taskName={selected} role={here.role} partyId={here.party_id}
              task={tasks[selected]} module={dependency.data.component_module[selected]} />
          ) : <p class="muted hint">Click a task in the graph for its parameters, log, metrics, outputs and model.</p>}
        </div>
      </div>
    </section>
  );
}
