// This party: capacity and allocations, partners and whether they answer, providers and their
// modules, tables.
import { get } from './api.js';
import { time } from './format.js';
import { usePolled } from './hooks.js';
import { Loading, Table } from './widgets.jsx';

export function PartyPage() {
  const resources = usePolled(() => get('/v2/resource/query'), [], 3000);
  const partners = usePolled(() => get('/v2/site/partners'), [], 10000);
  const providers = usePolled(() => get('/v2/provider/query'), [], 0);
  const tables = usePolled(() => get('/v2/table/list'), [], 0);
  const r = resources.data;
  return (
    <section class="page party-page">
      <h1>Party {r ? r.party_id : ''}</h1>
      <h2>Capacity</h2>
      <Loading state={resources} />
      {r && (
        <>
          <dl class="facts capacity" data-cores={r.cores} data-free={r.free_cores}>
            <dt>Engine</dt><dd>{r.engine}</dd>
            <dt>Cores</dt><dd>{r.cores} ({r.held_cores} held, {r.free_cores} free)</dd>
            <dt>Memory</dt><dd>{r.memory ? `${r.memory} MB` : 'not scheduled'}</dd>
            <dt>Running jobs</dt><dd>{r.running_jobs}{r.max_running_jobs ? ` of at most ${r.max_running_jobs}` : ''}</dd>
          </dl>
          {r.allocations.length > 0 && (
            <Table className="grid allocations" header={['Job', 'Role', 'Party', 'Cores', 'Memory', 'Status', 'Since']}
              rows={r.allocations.map((a) => [<a href={`#/job/${a.job_id}`}>{a.job_id}</a>, a.role, a.party_id, a.cores,
                a.memory_mb ?? a.memory ?? '', a.status, time(a.update_time || a.create_time)])} />
          )}
        </>
      )}
      <h2>Partners</h2>
      <Loading state={partners} />
      {partners.data && (
        <Table className="grid partners" header={['Party', 'Address', 'Reachable', 'Version', 'Why not']}
          rows={partners.data.partners.map((p) => [p.party_id, `${p.tls ? 'https' : 'http'}://${p.host}:${p.port}`,
            <span class={p.reachable ? 'status status-success' : 'status status-failed'} data-party={p.party_id}
              data-reachable={String(p.reachable)}>{p.reachable ? 'yes' : 'no'}</span>, p.version || '', p.message || ''])} />
      )}
      <h2>Providers</h2>
      <Loading state={providers} />
      {providers.data && (
        <Table className="grid providers" header={['Provider', 'Device', 'Source', 'Modules']}
          rows={providers.data.map((p) => [p.provider_name, p.device, p.source,
            (p.modules || []).map((m) => (m.roles && m.roles.length ? `${m.name} (${m.roles.join(', ')})` : m.name)).join('; ')])} />
      )}
      <h2>Tables</h2>
      <Loading state={tables} />
      {tables.data && (
        <Table className="grid tables" header={['Table', 'Rows', 'Engine', 'Source', 'Id', 'Label', 'Columns']}
          rows={tables.data.data.map((t) => [`${t.namespace}.${t.name}`, t.count, t.engine, t.source, t.id_column,
            t.label_column, t.schema && t.schema.header ? t.schema.header.length : ''])} />
      )}
    </section>
  );
}
