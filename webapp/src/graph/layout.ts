/**
 * A layered left-to-right layout computed from the server's hop levels.
 *
 * A general Sugiyama layout (dagre, ELK) takes seconds at 2,000 nodes on a small machine; the
 * server already knows each run's distance from the start, which is the column. So: columns
 * from levels (pointers sit next to the run that produced them), a pass that moves any node
 * left of what feeds it, then two barycenter sweeps to order each column. Linear-ish, pure.
 */
import { adjacency, type LineageEdge, type LineageGraph, type LineageNode } from './model';
import { columnsPerBand, type Cell, type Size } from './viewport';

export interface Position {
  x: number;
  y: number;
  column: number;
}

export interface LayoutOptions extends Cell {
  /**
   * The canvas the graph opens in. When given, a long and shallow graph is wrapped into bands
   * of columns (see `columnsPerBand`) so its first view is legible; without it, one band.
   */
  canvas: Size | null;
}

/** Node boxes are fixed (React Flow and the minimap need sizes without measuring). */
export const NODE_WIDTH = 180;
export const NODE_HEIGHT = 50;

// Gaps of 40 px across and 14 px down: wide enough for an arrow, tight enough that a
// 50-node graph still fits a laptop window at a legible zoom.
const DEFAULTS: LayoutOptions = {
  columnWidth: 220,
  rowHeight: 64,
  nodeWidth: NODE_WIDTH,
  nodeHeight: NODE_HEIGHT,
  bandGap: 56,
  canvas: null,
};

/**
 * Column index (0 = leftmost) of every node.
 *
 * Runs sit at `2 * level` (negated for upstream walks, so the start is on the right), a
 * pointer one column right of its producer, or one column left of its first consumer when
 * nothing produced it (a raw input). Then every edge is made to point rightwards.
 */
export function assignColumns(graph: Pick<LineageGraph, 'nodes' | 'edges' | 'direction'>): Map<string, number> {
  const sign = graph.direction === 'upstream' ? -1 : 1;
  const adj = adjacency(graph.nodes, graph.edges);
  const rank = new Map<string, number>();
  for (const node of graph.nodes) {
    if (node.kind === 'run' && node.level !== null) rank.set(node.id, sign * 2 * node.level);
  }
  for (const node of graph.nodes) {
    if (rank.has(node.id)) continue;
    const producers = (adj.in.get(node.id) ?? []).filter((id) => rank.has(id));
    const consumers = (adj.out.get(node.id) ?? []).filter((id) => rank.has(id));
    if (producers.length) rank.set(node.id, Math.max(...producers.map((id) => rank.get(id) ?? 0)) + 1);
    else if (consumers.length) rank.set(node.id, Math.min(...consumers.map((id) => rank.get(id) ?? 0)) - 1);
    else rank.set(node.id, sign * 2 * (node.level ?? 0));
  }
  // Shortest-hop levels can put a node in the same column as (or right of) one it feeds;
  // push consumers right in topological order so every edge points left to right.
  for (const id of topologicalOrder(graph.nodes, graph.edges)) {
    const own = rank.get(id) ?? 0;
    let needed = own;
    for (const pred of adj.in.get(id) ?? []) needed = Math.max(needed, (rank.get(pred) ?? 0) + 1);
    rank.set(id, needed);
  }
  const distinct = [...new Set(rank.values())].sort((a, b) => a - b);
  const column = new Map(distinct.map((value, index) => [value, index]));
  return new Map([...rank].map(([id, value]) => [id, column.get(value) ?? 0]));
}

/** Kahn's order; nodes on a cycle (which lineage should not have) come last, in input order. */
export function topologicalOrder(nodes: readonly LineageNode[], edges: readonly LineageEdge[]): string[] {
  const adj = adjacency(nodes, edges);
  const indegree = new Map(nodes.map((n) => [n.id, adj.in.get(n.id)?.length ?? 0]));
  const queue = nodes.filter((n) => indegree.get(n.id) === 0).map((n) => n.id);
  const order: string[] = [];
  for (let head = 0; head < queue.length; head++) {
    const id = queue[head] as string;
    order.push(id);
    for (const next of adj.out.get(id) ?? []) {
      const left = (indegree.get(next) ?? 0) - 1;
      indegree.set(next, left);
      if (left === 0) queue.push(next);
    }
  }
  if (order.length < nodes.length) {
    const seen = new Set(order);
    for (const node of nodes) if (!seen.has(node.id)) order.push(node.id);
  }
  return order;
}

/**
 * Order inside each column: start from a stable order (kind, then label), then sweep left to
 * right by the mean row of predecessors and right to left by successors, twice.
 */
export function orderColumns(
  nodes: readonly LineageNode[],
  edges: readonly LineageEdge[],
  columns: Map<string, number>,
): string[][] {
  const adj = adjacency(nodes, edges);
  const width = Math.max(-1, ...columns.values()) + 1;
  const layers: string[][] = Array.from({ length: width }, () => []);
  const sorted = [...nodes].sort(
    (a, b) => (a.runId ?? 0) - (b.runId ?? 0) || a.label.localeCompare(b.label) || a.id.localeCompare(b.id),
  );
  for (const node of sorted) layers[columns.get(node.id) ?? 0]?.push(node.id);
  const row = new Map<string, number>();
  const remember = (layer: string[]): void => layer.forEach((id, index) => row.set(id, index));
  layers.forEach(remember);
  const sweep = (layer: string[], neighbours: Map<string, string[]>): void => {
    const keyed = layer.map((id, index) => {
      const rows = (neighbours.get(id) ?? []).map((n) => row.get(n)).filter((r): r is number => r !== undefined);
      const key = rows.length ? rows.reduce((s, r) => s + r, 0) / rows.length : index;
      return { id, key, index };
    });
    keyed.sort((a, b) => a.key - b.key || a.index - b.index);
    layer.splice(0, layer.length, ...keyed.map((k) => k.id));
    remember(layer);
  };
  for (let pass = 0; pass < 2; pass++) {
    for (let c = 1; c < width; c++) sweep(layers[c] as string[], adj.in);
    for (let c = width - 2; c >= 0; c--) sweep(layers[c] as string[], adj.out);
  }
  return layers;
}

/**
 * Positions (top-left corners) for every node: columns left to right, each column centred on
 * its band's middle line; the first band's middle is y = 0 and further bands stack below it.
 */
export function layoutGraph(
  graph: Pick<LineageGraph, 'nodes' | 'edges' | 'direction'>,
  options: Partial<LayoutOptions> = {},
): Map<string, Position> {
  const cell = { ...DEFAULTS, ...options };
  const columns = assignColumns(graph);
  const layers = orderColumns(graph.nodes, graph.edges, columns);
  const sizes = layers.map((layer) => layer.length);
  const perBand = cell.canvas ? columnsPerBand(sizes, cell.canvas, cell) : Math.max(layers.length, 1);
  const positions = new Map<string, Position>();
  let middle = 0;
  for (let start = 0; start < layers.length; start += perBand) {
    const band = layers.slice(start, start + perBand);
    const rows = Math.max(1, ...band.map((layer) => layer.length));
    if (start > 0) middle += ((rows - 1) * cell.rowHeight) / 2;
    band.forEach((layer, offset) => {
      const shift = ((layer.length - 1) * cell.rowHeight) / 2;
      layer.forEach((id, index) =>
        positions.set(id, { x: offset * cell.columnWidth, y: middle + index * cell.rowHeight - shift, column: start + offset }),
      );
    });
    middle += ((rows - 1) * cell.rowHeight) / 2 + cell.nodeHeight + cell.bandGap;
  }
  return positions;
}
