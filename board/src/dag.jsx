// A job's components as a layered graph (dagre lays it out top to bottom), each task coloured by
// its federated status or, with `byParty`, showing every party's own status under its name.
import { Graph, layout } from '@dagrejs/dagre';

const NODE_WIDTH = 190;
const NODE_HEIGHT = 48;
const CHIP_HEIGHT = 18;

export function layoutDag(dependency, partyRows) {
  const g = new Graph();
  g.setGraph({ rankdir: 'TB', nodesep: 30, ranksep: 46, marginx: 12, marginy: 12 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const c of dependency.component_list) {
    const chips = partyRows ? Math.max(1, partyRows(c.component_name)) : 0;
    g.setNode(c.component_name, { width: NODE_WIDTH, height: NODE_HEIGHT + chips * CHIP_HEIGHT });
  }
  for (const [name, ups] of Object.entries(dependency.dependencies || {})) {
    for (const up of ups) g.setEdge(up.component_name, name, { type: up.type });
  }
  layout(g);
  const nodes = g.nodes().map((name) => ({ name, ...g.node(name) }));
  const edges = g.edges().map((e) => ({ from: e.v, to: e.w, ...g.edge(e) }));
  const { width, height } = g.graph();
  return { nodes, edges, width, height };
}

function edgePath(points) {
  return points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
}

/// `tasks`: name -> { status, parties: [{role, party_id, status}] }.
export function Dag({ dependency, tasks, byParty, selected, onSelect }) {
  const partiesOf = (name) => (tasks[name] ? tasks[name].parties.length : 0);
  const g = layoutDag(dependency, byParty ? partiesOf : null);
  return (
    <svg class="dag" viewBox={`0 0 ${g.width} ${g.height}`} width={g.width} height={g.height} role="img"
      aria-label="job graph">
      <defs>
        <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto">
          <path d="M0,0 L10,5 L0,10 z" class="dag-arrow" />
        </marker>
      </defs>
      {g.edges.map((e) => (
        <path class={`dag-edge dag-edge-${e.type}`} d={edgePath(e.points)} marker-end="url(#arrow)"
          data-from={e.from} data-to={e.to} />
      ))}
      {g.nodes.map((n) => {
        const t = tasks[n.name] || { status: 'waiting', parties: [] };
        const module = dependency.component_module[n.name];
        const x = n.x - n.width / 2;
        const y = n.y - n.height / 2;
        return (
          <g class={`dag-node status-${t.status}${selected === n.name ? ' selected' : ''}`} data-task={n.name}
            data-status={t.status} transform={`translate(${x},${y})`} onClick={() => onSelect(n.name)}>
            <title>{`${n.name} (${module}): ${t.status}`}</title>
            <rect class="dag-box" width={n.width} height={n.height} rx="6" />
            <text class="dag-name" x="10" y="19">{n.name}</text>
            <text class="dag-module" x="10" y="36">{module} · {t.status}</text>
            {byParty && t.parties.map((p, i) => (
              <g class={`dag-chip status-${p.status}`} data-party={`${p.role}:${p.party_id}`} data-status={p.status}
                transform={`translate(8,${NODE_HEIGHT - 4 + i * CHIP_HEIGHT})`}>
                <rect width={n.width - 16} height={CHIP_HEIGHT - 3} rx="3" />
                <text x="6" y="11">{`${p.role} ${p.party_id}: ${p.status}`}</text>
              </g>
            ))}
          </g>
        );
      })}
    </svg>
  );
}
