// The job list: this party's jobs, newest first, filtered and paged by keyset cursor (every page
// costs the server what the first one costs), refreshed every 2 s.
import { useEffect, useState } from 'preact/hooks';
import { get } from './api.js';
import { duration, elapsedOf, time } from './format.js';
import { go, usePolled } from './hooks.js';
import { Loading, Progress, StatusBadge } from './widgets.jsx';

const STATUSES = ['', 'waiting', 'running', 'success', 'failed', 'canceled', 'timeout'];
const ROLES = ['', 'guest', 'host', 'arbiter', 'local'];
const PAGE_SIZE = 20;

function partiesText(parties) {
  if (!parties) return '';
  return Object.entries(parties).map(([role, ids]) => `${role}: ${ids.join(', ')}`).join('; ');
}

export function JobsPage({ query }) {
  const filters = { status: query.status || '', role: query.role || '', party_id: query.party_id || '', text: query.text || '' };
  // cursors[i] is the cursor of page i+1 (page 1 has none).
  const [cursors, setCursors] = useState(['']);
  const page = cursors.length;
  const cursor = cursors[cursors.length - 1];
  const state = usePolled(
    () => get('/v2/job/list/query', { ...filters, limit: PAGE_SIZE, cursor, parties: true }),
    [filters.status, filters.role, filters.party_id, filters.text, cursor],
    2000,
  );
  // The first list shown after the page loaded, for the board's browser benchmark.
  useEffect(() => {
    if (state.data && !performance.getEntriesByName('fedflow-jobs-shown').length) performance.mark('fedflow-jobs-shown');
  }, [state.data]);
  const setFilter = (key, value) => {
    setCursors(['']);
    go('jobs', { ...filters, [key]: value });
  };
  const now = Date.now();
  const rows = state.data ? state.data.data : [];
  const count = state.data ? state.data.count : 0;
  return (
    <section class="page jobs-page">
      <h1>Jobs</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label>Status <select name="status" value={filters.status} onChange={(e) => setFilter('status', e.target.value)}>
          {STATUSES.map((s) => <option value={s}>{s || 'any'}</option>)}
        </select></label>
        <label>Role <select name="role" value={filters.role} onChange={(e) => setFilter('role', e.target.value)}>
          {ROLES.map((r) => <option value={r}>{r || 'any'}</option>)}
        </select></label>
        <label>Party <input name="party_id" size="8" value={filters.party_id} placeholder="any"
          onChange={(e) => setFilter('party_id', e.target.value.trim())} /></label>
        <label>Search <input name="text" size="24" value={filters.text} placeholder="job id or description"
          onChange={(e) => setFilter('text', e.target.value)} /></label>
      </form>
      <Loading state={state} />
      <div class="muted count" data-count={count}>{count} job rows{count > PAGE_SIZE ? `, page ${page}` : ''}</div>
      <table class="grid job-list">
        <thead><tr>
          <th>Job</th><th>Status</th><th>Progress</th><th>Role here</th><th>Parties</th>
          <th>Created</th><th>Duration</th><th>Description</th>
        </tr></thead>
        <tbody>
          {rows.map((j) => (
            <tr class="job-row" data-job={j.job_id} data-role={j.role} data-status={j.status}>
              <td><a href={`#/job/${j.job_id}?role=${j.role}&party_id=${j.party_id}`}>{j.job_id}</a></td>
              <td><StatusBadge status={j.status} />{j.failure_reason && <div class="reason">{j.failure_reason}</div>}</td>
              <td><Progress value={j.progress} /></td>
              <td>{j.role} {j.party_id}</td>
              <td class="parties">{partiesText(j.parties)}</td>
              <td>{time(j.create_time)}</td>
              <td>{duration(elapsedOf(j, now))}</td>
              <td>{j.description}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 && state.data && <div class="muted">No jobs match.</div>}
      <div class="pager">
        <button type="button" name="previous" disabled={page === 1} onClick={() => setCursors(cursors.slice(0, -1))}>Previous</button>
        <span>page {page}</span>
        <button type="button" name="next" disabled={!state.data || !state.data.next_cursor}
          onClick={() => setCursors([...cursors, state.data.next_cursor])}>Next</button>
      </div>
    </section>
  );
}
