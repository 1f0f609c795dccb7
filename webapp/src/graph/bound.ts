/**
 * Which part of the lineage to draw: walk away from the start node (upstream for a trace,
 * downstream for impact), stop at nodes the user collapsed, and fold a node's neighbours past
 * a cap into one "+N more" group node. Returns what to draw and how much was left out, so the
 * view can say plainly that it shows part of the graph.
 */
import { adjacency, edgeId, type LineageEdge, type LineageGraph, type LineageNode } from './model';

export interface BoundOptions {
  /** Nodes whose far side (away from the start) is hidden. */
  collapsed: ReadonlySet<string>;
  /** At most this many neighbours per node are drawn before the rest are grouped. */
  fanOutCap: number;
  /** Group ids (`group:<parent>`) the user opened: all their members are drawn. */
  openGroups: ReadonlySet<string>;
}

export interface BoundGraph extends LineageGraph {
  /** Nodes of the full graph that are not drawn (inside groups, or behind collapsed nodes). */
  hiddenCount: number;
  /** Nodes that have neighbours further out which are not drawn. */
  expandable: Set<string>;
}

/** Draw order for a node's neighbours: what needs attention first, then by name. */
function priority(node: LineageNode | undefined): number {
  if (!node) return 3;
  if (node.flagged || node.failed) return 0;
  if (node.stale) return 1;
  return 2;
}

export function boundGraph(graph: LineageGraph, options: BoundOptions): BoundGraph {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const adj = adjacency(graph.nodes, graph.edges);
  const away = graph.direction === 'upstream' ? adj.in : adj.out;
  const visible = new Set<string>();
  const expandable = new Set<string>();
  const grouped = new Map<string, string[]>();
  if (byId.has(graph.rootId)) visible.add(graph.rootId);
  const queue = byId.has(graph.rootId) ? [graph.rootId] : [];
  for (let head = 0; head < queue.length; head++) {
    const id = queue[head] as string;
    const next = away.get(id) ?? [];
    if (next.length === 0) continue;
    if (options.collapsed.has(id)) {
      if (next.some((n) => !visible.has(n))) expandable.add(id);
      continue;
    }
    const ordered = [...next].sort(
      (a, b) =>
        priority(byId.get(a)) - priority(byId.get(b)) ||
        (byId.get(a)?.label ?? a).localeCompare(byId.get(b)?.label ?? b, undefined, { numeric: true }),
    );
    const groupId = `group:${id}`;
    const cap = options.openGroups.has(groupId) ? ordered.length : options.fanOutCap;
    const shown = ordered.length > cap ? ordered.slice(0, Math.max(cap - 1, 1)) : ordered;
    if (shown.length < ordered.length) grouped.set(id, ordered.slice(shown.length));
    for (const n of shown) {
      if (visible.has(n)) continue;
      visible.add(n);
      queue.push(n);
    }
  }
  const nodes: LineageNode[] = graph.nodes.filter((n) => visible.has(n.id));
  const edges: LineageEdge[] = graph.edges.filter((e) => visible.has(e.source) && visible.has(e.target));
  for (const [parent, members] of grouped) {
    const rest = members.filter((m) => !visible.has(m));
    if (rest.length === 0) continue;
    const id = `group:${parent}`;
    const level = byId.get(parent)?.level ?? null;
    nodes.push({ id, kind: 'group', label: `+${rest.length} more`, level, members: rest });
    edges.push(
      graph.direction === 'upstream'
        ? { id: edgeId(id, parent), source: id, target: parent, kind: 'group' }
        : { id: edgeId(parent, id), source: parent, target: id, kind: 'group' },
    );
  }
  return {
    ...graph,
    nodes,
    edges,
    hiddenCount: graph.nodes.length - visible.size,
    expandable,
  };
}

/** Ids of the nodes whose label or id contains `text` (case-insensitive). */
export function searchNodes(nodes: readonly LineageNode[], text: string): string[] {
  const needle = text.trim().toLowerCase();
  if (!needle) return [];
  return nodes
    .filter((n) => n.kind !== 'group')
    .filter((n) => n.label.toLowerCase().includes(needle) || n.id.toLowerCase().includes(needle))
    .map((n) => n.id);
}

/**
 * Open a collapsed node by one step: its far-side neighbours appear, and stay collapsed
 * themselves, so each click shows one more run (with the pointers between) and no more.
 */
export function expandStep(graph: LineageGraph, collapsed: ReadonlySet<string>, nodeId: string): Set<string> {
  const adj = adjacency(graph.nodes, graph.edges);
  const away = graph.direction === 'upstream' ? adj.in : adj.out;
  const kind = new Map(graph.nodes.map((n) => [n.id, n.kind]));
  const next = new Set(collapsed);
  next.delete(nodeId);
  for (const neighbour of away.get(nodeId) ?? []) {
    // A pointer is only a hop between runs: show it and stop at the run beyond it.
    if (kind.get(neighbour) === 'run') next.add(neighbour);
    else for (const beyond of away.get(neighbour) ?? []) next.add(beyond);
  }
  return next;
}

export interface BoundsSummary {
  /** The server stopped at the depth bound. */
  truncated: boolean;
  depth: number;
  side: 'upstream' | 'downstream';
  loaded: number;
  drawn: number;
  hidden: number;
}

/** One plain sentence on how much of the lineage the view shows. */
export function describeBounds(s: BoundsSummary): string {
  if (!s.truncated && s.hidden === 0) return `The whole ${s.side} graph: ${s.loaded} nodes.`;
  const parts: string[] = [];
  if (s.truncated) parts.push(`the server stopped at depth ${s.depth} and there is more ${s.side}`);
  if (s.hidden > 0) {
    parts.push(`${s.drawn} of ${s.loaded} loaded nodes drawn, ${s.hidden} folded into “+N more” or behind collapsed nodes`);
  }
  return `Showing part of the graph: ${parts.join('; ')}.`;
}
