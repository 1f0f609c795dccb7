/**
 * The path between two nodes, for highlighting: the shortest chain along data flow (either
 * way round), or failing that the shortest chain ignoring direction.
 */
import { adjacency, edgeId, type LineageEdge, type LineageNode } from './model';

export interface PathResult {
  /** In data-flow order when `directed`, else from `from` to `to`. */
  nodes: string[];
  edges: Set<string>;
  /** False when the two nodes are only connected against the flow (siblings via a common input). */
  directed: boolean;
}

function bfs(from: string, to: string, next: (id: string) => string[]): string[] | null {
  const parent = new Map<string, string | null>([[from, null]]);
  const queue = [from];
  for (let head = 0; head < queue.length; head++) {
    const id = queue[head] as string;
    if (id === to) {
      const path: string[] = [];
      for (let at: string | null | undefined = to; at != null; at = parent.get(at)) path.push(at);
      return path.reverse();
    }
    for (const n of next(id)) {
      if (!parent.has(n)) {
        parent.set(n, id);
        queue.push(n);
      }
    }
  }
  return null;
}

export function findPath(
  nodes: readonly LineageNode[],
  edges: readonly LineageEdge[],
  from: string,
  to: string,
): PathResult | null {
  const adj = adjacency(nodes, edges);
  if (!adj.out.has(from) || !adj.out.has(to)) return null;
  const forward = (id: string): string[] => adj.out.get(id) ?? [];
  const both = (id: string): string[] => [...(adj.out.get(id) ?? []), ...(adj.in.get(id) ?? [])];
  let path = bfs(from, to, forward);
  let directed = true;
  if (!path) path = bfs(to, from, forward);
  if (!path) {
    path = bfs(from, to, both);
    directed = false;
  }
  if (!path) return null;
  const existing = new Set(edges.map((e) => e.id));
  const onPath = new Set<string>();
  for (let i = 0; i + 1 < path.length; i++) {
    const a = path[i] as string;
    const b = path[i + 1] as string;
    onPath.add(existing.has(edgeId(a, b)) ? edgeId(a, b) : edgeId(b, a));
  }
  return { nodes: path, edges: onPath, directed };
}
