import { describe, expect, it } from 'vitest';
import { boundGraph, describeBounds, expandStep, searchNodes } from './bound';
import { chainTrace, flow, io, run } from './fixtures';
import type { LineageGraph } from './model';

const open = { collapsed: new Set<string>(), fanOutCap: 10, openGroups: new Set<string>() };

/** One output produced by run 1, which consumed `n` inputs. */
function fanIn(n: number, flagged: number[] = []): LineageGraph {
  const inputs = Array.from({ length: n }, (_, i) => io(`in${String(i).padStart(2, '0')}`, { flagged: flagged.includes(i) }));
  return {
    rootId: 'io:out',
    direction: 'upstream',
    truncated: false,
    nodes: [io('out'), run(1, 0), ...inputs],
    edges: [flow('run:1', 'io:out'), ...inputs.map((i) => flow(i.id, 'run:1', 'consumed'))],
  };
}

describe('boundGraph', () => {
  it('draws the whole graph when nothing is collapsed or over the cap', () => {
    const bound = boundGraph(chainTrace(), open);
    expect(bound.nodes.map((n) => n.id)).toEqual(chainTrace().nodes.map((n) => n.id));
    expect(bound.hiddenCount).toBe(0);
    expect(bound.expandable.size).toBe(0);
  });

  it('hides what lies beyond a collapsed node and marks it expandable', () => {
    const bound = boundGraph(chainTrace(), { ...open, collapsed: new Set(['run:2']) });
    expect(bound.nodes.map((n) => n.id)).toEqual(['io:out', 'run:3', 'io:b', 'run:2']);
    expect(bound.hiddenCount).toBe(3);
    expect([...bound.expandable]).toEqual(['run:2']);
  });

  it('groups neighbours past the cap into one node that says how many', () => {
    const bound = boundGraph(fanIn(25), { ...open, fanOutCap: 10 });
    const group = bound.nodes.find((n) => n.kind === 'group');
    expect(group?.label).toBe('+16 more');
    expect(group?.members).toHaveLength(16);
    expect(bound.nodes.filter((n) => n.id.startsWith('io:in'))).toHaveLength(9);
    expect(bound.edges.find((e) => e.source === 'group:run:1')?.target).toBe('run:1');
    expect(bound.hiddenCount).toBe(16);
  });

  it('shows flagged neighbours before the others when grouping', () => {
    const bound = boundGraph(fanIn(25, [24]), { ...open, fanOutCap: 3 });
    expect(bound.nodes.filter((n) => n.id.startsWith('io:in')).map((n) => n.label).sort()).toEqual(['in00', 'in24']);
  });

  it('draws every member of a group the user opened', () => {
    const bound = boundGraph(fanIn(25), { ...open, fanOutCap: 10, openGroups: new Set(['group:run:1']) });
    expect(bound.nodes.some((n) => n.kind === 'group')).toBe(false);
    expect(bound.nodes).toHaveLength(27);
  });

  it('walks downstream for an impact graph', () => {
    const graph: LineageGraph = {
      rootId: 'run:1',
      direction: 'downstream',
      truncated: false,
      nodes: [run(1, 0), io('a'), run(2, 1), io('unrelated')],
      edges: [flow('run:1', 'io:a'), flow('io:a', 'run:2', 'consumed'), flow('io:unrelated', 'run:2', 'consumed')],
    };
    expect(boundGraph(graph, open).nodes.map((n) => n.id)).toEqual(['run:1', 'io:a', 'run:2']);
  });
});

describe('searchNodes', () => {
  it('finds nodes by part of their label, ignoring case', () => {
    expect(searchNodes(chainTrace().nodes, 'C2')).toEqual(['run:2']);
    expect(searchNodes(chainTrace().nodes, ' ')).toEqual([]);
  });
});

describe('expandStep', () => {
  it('opens a collapsed run by one run at a time, with the pointers between', () => {
    const graph = chainTrace();
    let collapsed: ReadonlySet<string> = new Set(['run:3']);
    expect(boundGraph(graph, { ...open, collapsed }).nodes.map((n) => n.id)).toEqual(['io:out', 'run:3']);
    collapsed = expandStep(graph, collapsed, 'run:3');
    expect([...collapsed]).toEqual(['run:2']);
    expect(boundGraph(graph, { ...open, collapsed }).nodes.map((n) => n.id)).toEqual(['io:out', 'run:3', 'io:b', 'run:2']);
    collapsed = expandStep(graph, collapsed, 'run:2');
    expect(boundGraph(graph, { ...open, collapsed }).nodes.map((n) => n.id)).toEqual([
      'io:out', 'run:3', 'io:b', 'run:2', 'io:a', 'run:1',
    ]);
  });
});

describe('describeBounds', () => {
  const base = { truncated: false, depth: 3, side: 'upstream' as const, loaded: 10, drawn: 10, hidden: 0 };

  it('says when the whole graph is shown', () => {
    expect(describeBounds(base)).toBe('The whole upstream graph: 10 nodes.');
  });

  it('says when the server stopped at the depth bound', () => {
    expect(describeBounds({ ...base, truncated: true })).toBe(
      'Showing part of the graph: the server stopped at depth 3 and there is more upstream.',
    );
  });

  it('says how many nodes are folded away, and both reasons together', () => {
    expect(describeBounds({ ...base, side: 'downstream', truncated: true, drawn: 4, hidden: 6 })).toBe(
      'Showing part of the graph: the server stopped at depth 3 and there is more downstream; ' +
        '4 of 10 loaded nodes drawn, 6 folded into “+N more” or behind collapsed nodes.',
    );
  });
});
