/**
 * The diff view's one graph: the traces of outputs A and B merged, every node marked by what
 * the server's trace diff says about it. A run both traces share is drawn once ("same"); two
 * aligned runs that differ are both drawn ("changed", each labelled with its side); a run or a
 * pointer that only one trace reaches is "only in A" or "only in B".
 */
import type { TraceDiff } from '../api/types';
import { runNodeId, type DiffState, type LineageEdge, type LineageGraph, type LineageNode } from './model';

export const DIFF_LEGEND: { state: DiffState; label: string }[] = [
  { state: 'same', label: 'same in both' },
  { state: 'changed', label: 'changed' },
  { state: 'onlyA', label: 'only in A' },
  { state: 'onlyB', label: 'only in B' },
];

/** What the diff says about each run (by node id); runs it does not name are judged by presence. */
function runStates(diff: TraceDiff): Map<string, DiffState> {
  const states = new Map<string, DiffState>();
  for (const run of diff.onlyInA) states.set(runNodeId(run.id), 'onlyA');
  for (const run of diff.onlyInB) states.set(runNodeId(run.id), 'onlyB');
  for (const pair of diff.pairs) {
    const state: DiffState = pair.same ? 'same' : 'changed';
    // A changed pair wins over a one-side listing: the run is there on both sides, differently.
    for (const run of [pair.a, pair.b]) if (state === 'changed' || !states.has(runNodeId(run.id))) states.set(runNodeId(run.id), state);
  }
  return states;
}

/** A and B's traces as one graph (rooted at A's output, B's output also marked), each node with its `diff` state. */
export function mergeTraces(a: LineageGraph, b: LineageGraph, diff: TraceDiff): LineageGraph {
  const inA = new Map(a.nodes.map((n) => [n.id, n]));
  const inB = new Map(b.nodes.map((n) => [n.id, n]));
  const states = runStates(diff);
  const changedSide = new Map<string, 'A' | 'B'>();
  for (const pair of diff.pairs) {
    if (pair.same) continue;
    changedSide.set(runNodeId(pair.a.id), 'A');
    changedSide.set(runNodeId(pair.b.id), 'B');
  }
  const nodes: LineageNode[] = [];
  const seen = new Set<string>();
  for (const node of [...a.nodes, ...b.nodes]) {
    if (seen.has(node.id)) continue;
    seen.add(node.id);
    const presence: DiffState = inA.has(node.id) && inB.has(node.id) ? 'same' : inA.has(node.id) ? 'onlyA' : 'onlyB';
    const state = (node.kind === 'run' ? states.get(node.id) : undefined) ?? presence;
    const levels = [inA.get(node.id)?.level, inB.get(node.id)?.level].filter((l): l is number => typeof l === 'number');
    nodes.push({
      ...node,
      level: levels.length ? Math.min(...levels) : null,
      diff: state,
      diffSide: state === 'changed' ? changedSide.get(node.id) : undefined,
      diffRoot: node.id === a.rootId ? 'A' : node.id === b.rootId ? 'B' : undefined,
    });
  }
  const edges = new Map<string, LineageEdge>();
  for (const edge of [...a.edges, ...b.edges]) if (!edges.has(edge.id)) edges.set(edge.id, edge);
  return {
    rootId: a.rootId,
    direction: 'upstream',
    nodes,
    edges: [...edges.values()],
    truncated: a.truncated || b.truncated,
    asOf: a.asOf ?? null,
    note: a.note ?? b.note ?? null,
  };
}

/** How many nodes of each state the merged graph has, for the legend. */
export function countStates(graph: LineageGraph): Record<DiffState, number> {
  const counts: Record<DiffState, number> = { same: 0, changed: 0, onlyA: 0, onlyB: 0 };
  for (const node of graph.nodes) if (node.diff) counts[node.diff]++;
  return counts;
}
