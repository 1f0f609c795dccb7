import { describe, expect, it } from 'vitest';
import { chainTrace, flow, io, run, wideTrace } from './fixtures';
import { assignColumns, layoutGraph, orderColumns, topologicalOrder } from './layout';
import type { LineageGraph } from './model';

describe('assignColumns', () => {
  it('lays a traced chain out left to right with the traced output last', () => {
    const columns = assignColumns(chainTrace());
    expect(Object.fromEntries(columns)).toEqual({
      'io:raw': 0,
      'run:1': 1,
      'io:a': 2,
      'run:2': 3,
      'io:b': 4,
      'run:3': 5,
      'io:out': 6,
    });
  });

  it('puts the start of an impact walk on the left', () => {
    const graph: LineageGraph = {
      rootId: 'run:1',
      direction: 'downstream',
      truncated: false,
      nodes: [run(1, 0), io('a'), run(2, 1), io('b')],
      edges: [flow('run:1', 'io:a'), flow('io:a', 'run:2', 'consumed'), flow('run:2', 'io:b')],
    };
    expect(Object.fromEntries(assignColumns(graph))).toEqual({ 'run:1': 0, 'io:a': 1, 'run:2': 2, 'io:b': 3 });
  });

  it('moves a run right of a same-level run it feeds, so every edge points rightwards', () => {
    // Both runs 2 and 3 are direct dependencies of run 1 (level 1), and 3 also feeds 2.
    const graph: LineageGraph = {
      rootId: 'io:out',
      direction: 'upstream',
      truncated: false,
      nodes: [io('out'), run(1, 0), run(2, 1), run(3, 1), io('x'), io('y')],
      edges: [
        flow('run:1', 'io:out'),
        flow('io:x', 'run:1', 'consumed'),
        flow('io:y', 'run:1', 'consumed'),
        flow('run:2', 'io:x'),
        flow('run:3', 'io:y'),
        flow('io:y', 'run:2', 'consumed'),
      ],
    };
    const columns = assignColumns(graph);
    for (const edge of graph.edges) {
      expect(columns.get(edge.source)).toBeLessThan(columns.get(edge.target) ?? -1);
    }
  });

  it('leaves no empty column', () => {
    const columns = [...assignColumns(chainTrace()).values()];
    expect(new Set(columns).size).toBe(Math.max(...columns) + 1);
  });
});

describe('topologicalOrder', () => {
  it('still returns every node of a graph with a cycle', () => {
    const nodes = [run(1, 0), run(2, 1)];
    const edges = [flow('run:1', 'run:2', 'depends'), flow('run:2', 'run:1', 'depends')];
    expect(topologicalOrder(nodes, edges).sort()).toEqual(['run:1', 'run:2']);
  });
});

describe('orderColumns', () => {
  it('uncrosses two parallel chains', () => {
    // a1 -> b2 and a2 -> b1: the sweep must put b2 above b1.
    const nodes = [run(1, 0, { label: 'a1' }), run(2, 0, { label: 'a2' }), io('b1'), io('b2')];
    const edges = [flow('run:1', 'io:b2'), flow('run:2', 'io:b1')];
    const columns = new Map([
      ['run:1', 0],
      ['run:2', 0],
      ['io:b1', 1],
      ['io:b2', 1],
    ]);
    expect(orderColumns(nodes, edges, columns)).toEqual([
      ['run:1', 'run:2'],
      ['io:b2', 'io:b1'],
    ]);
  });
});

describe('layoutGraph', () => {
  it('centres each column on y = 0 and spaces columns evenly', () => {
    const positions = layoutGraph(chainTrace(), { columnWidth: 100, rowHeight: 50 });
    expect(positions.get('io:raw')).toEqual({ x: 0, y: 0, column: 0 });
    expect(positions.get('io:out')).toEqual({ x: 600, y: 0, column: 6 });
  });

  it('gives 2,000 nodes distinct positions with every edge pointing right', () => {
    const graph = wideTrace(100, 10);
    expect(graph.nodes.length).toBe(2002);
    const positions = layoutGraph(graph);
    const keys = new Set([...positions.values()].map((p) => `${p.x},${p.y}`));
    expect(keys.size).toBe(graph.nodes.length);
    for (const edge of graph.edges) {
      expect(positions.get(edge.source)?.x ?? Infinity).toBeLessThan(positions.get(edge.target)?.x ?? -Infinity);
    }
  });
});
