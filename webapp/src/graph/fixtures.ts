/** Small hand-built lineage graphs for the unit tests (and a generator for big ones). */
import { edgeId, type LineageEdge, type LineageGraph, type LineageNode } from './model';

export function run(id: number, level: number, extra: Partial<LineageNode> = {}): LineageNode {
  return { id: `run:${id}`, kind: 'run', label: `c${id} #${id}`, level, runId: id, ...extra };
}

export function io(name: string, extra: Partial<LineageNode> = {}): LineageNode {
  return { id: `io:${name}`, kind: 'data', label: name, level: null, outputId: name, ...extra };
}

export function flow(source: string, target: string, kind: LineageEdge['kind'] = 'produced'): LineageEdge {
  return { id: edgeId(source, target), source, target, kind };
}

/**
 * raw -> run:1 -> a -> run:2 -> b -> run:3 -> out  (a chain traced upstream from `out`).
 */
export function chainTrace(): LineageGraph {
  return {
    rootId: 'io:out',
    direction: 'upstream',
    truncated: false,
    nodes: [io('out'), run(3, 0), io('b'), run(2, 1), io('a'), run(1, 2), io('raw')],
    edges: [
      flow('run:3', 'io:out'),
      flow('io:b', 'run:3', 'consumed'),
      flow('run:2', 'io:b'),
      flow('io:a', 'run:2', 'consumed'),
      flow('run:1', 'io:a'),
      flow('io:raw', 'run:1', 'consumed'),
    ],
  };
}

/**
 * A synthetic trace of `width * depth` runs: each run at level L feeds its output to two runs
 * at level L - 1, like a wide training pipeline. Used for the 2,000-node checks.
 */
export function wideTrace(width: number, depth: number): LineageGraph {
  const nodes: LineageNode[] = [io('final')];
  const edges: LineageEdge[] = [];
  const id = (level: number, i: number): number => level * width + i + 1;
  for (let level = 0; level < depth; level++) {
    for (let i = 0; i < width; i++) {
      const r = id(level, i);
      nodes.push(run(r, level), io(`o${r}`));
      edges.push(flow(`run:${r}`, `io:o${r}`));
      if (level === 0) edges.push(flow(`io:o${r}`, 'run:0', 'consumed'));
      else {
        edges.push(flow(`io:o${r}`, `run:${id(level - 1, i)}`, 'consumed'));
        edges.push(flow(`io:o${r}`, `run:${id(level - 1, (i + 1) % width)}`, 'consumed'));
      }
    }
  }
  nodes.push(run(0, 0));
  edges.push(flow('run:0', 'io:final'));
  return { rootId: 'io:final', direction: 'upstream', truncated: false, nodes, edges };
}
