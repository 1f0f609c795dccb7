import { describe, expect, it } from 'vitest';
import type { RunSummary, TraceDiff } from '../api/types';
import { countStates, mergeTraces } from './diff';
import { flow, io, run } from './fixtures';
import type { LineageGraph } from './model';

const summary = (id: number, componentName: string): RunSummary => ({
  id,
  componentName,
  startTimestamp: null,
  endTimestamp: null,
  status: 'success',
  stale: [],
});

/**
 * Two predictions sharing one featuregen run (1 -> feats); A's model came from train run 2,
 * B's from train run 3 (a retrain), and B's train also read `extra`, which A never saw.
 * infer 4 made A's prediction, infer 5 made B's.
 */
function traces(): { a: LineageGraph; b: LineageGraph; diff: TraceDiff } {
  const a: LineageGraph = {
    rootId: 'io:predA',
    direction: 'upstream',
    truncated: false,
    nodes: [io('predA'), run(4, 0), io('modelA'), io('feats'), run(2, 1), run(1, 1)],
    edges: [
      flow('run:4', 'io:predA'),
      flow('io:modelA', 'run:4', 'consumed'),
      flow('io:feats', 'run:4', 'consumed'),
      flow('run:2', 'io:modelA'),
      flow('io:feats', 'run:2', 'consumed'),
      flow('run:1', 'io:feats'),
    ],
  };
  const b: LineageGraph = {
    rootId: 'io:predB',
    direction: 'upstream',
    truncated: false,
    nodes: [io('predB'), run(5, 0), io('modelB'), io('feats'), run(3, 1), run(1, 2), io('extra')],
    edges: [
      flow('run:5', 'io:predB'),
      flow('io:modelB', 'run:5', 'consumed'),
      flow('io:feats', 'run:5', 'consumed'),
      flow('run:3', 'io:modelB'),
      flow('io:feats', 'run:3', 'consumed'),
      flow('io:extra', 'run:3', 'consumed'),
      flow('run:1', 'io:feats'),
    ],
  };
  const diff: TraceDiff = {
    a: 'predA',
    b: 'predB',
    identical: false,
    summary: '1 of 3 components the same',
    pairs: [
      { component: 'featuregen', position: '#1', a: summary(1, 'featuregen'), b: summary(1, 'featuregen'), same: true, changes: [] },
      {
        component: 'train',
        position: '#1',
        a: summary(2, 'train'),
        b: summary(3, 'train'),
        same: false,
        changes: [{ field: 'params.alpha', a: 0.1, b: 0.2 }],
      },
      { component: 'infer', position: '#1', a: summary(4, 'infer'), b: summary(5, 'infer'), same: false, changes: [] },
    ],
    onlyInA: [],
    onlyInB: [],
    firstDivergences: [{ component: 'train', aRunId: 2, bRunId: 3, reason: 'train: param alpha 0.1 -> 0.2' }],
  };
  return { a, b, diff };
}

describe('mergeTraces', () => {
  it('draws a shared run once as same, both runs of a changed pair, and one-side pointers by side', () => {
    const { a, b, diff } = traces();
    const merged = mergeTraces(a, b, diff);
    const state = Object.fromEntries(merged.nodes.map((n) => [n.id, [n.diff, n.diffSide ?? null]]));
    expect(state).toEqual({
      'io:predA': ['onlyA', null],
      'run:4': ['changed', 'A'],
      'io:modelA': ['onlyA', null],
      'io:feats': ['same', null],
      'run:2': ['changed', 'A'],
      'run:1': ['same', null],
      'io:predB': ['onlyB', null],
      'run:5': ['changed', 'B'],
      'io:modelB': ['onlyB', null],
      'run:3': ['changed', 'B'],
      'io:extra': ['onlyB', null],
    });
    expect(countStates(merged)).toEqual({ same: 2, changed: 4, onlyA: 2, onlyB: 3 });
  });

  it('keeps each edge once and the nearer level of a node both traces reach', () => {
    const { a, b, diff } = traces();
    const merged = mergeTraces(a, b, diff);
    expect(merged.edges.filter((e) => e.id === 'run:1->io:feats')).toHaveLength(1);
    expect(merged.edges).toHaveLength(12);
    expect(merged.nodes.find((n) => n.id === 'run:1')?.level).toBe(1);
  });

  it('marks both outputs, rooting the graph at A’s', () => {
    const { a, b, diff } = traces();
    const merged = mergeTraces(a, b, diff);
    expect(merged.rootId).toBe('io:predA');
    expect(merged.nodes.filter((n) => n.diffRoot).map((n) => [n.id, n.diffRoot])).toEqual([
      ['io:predA', 'A'],
      ['io:predB', 'B'],
    ]);
  });

  it('colours runs the diff lists on one side only by that side', () => {
    const { a, b, diff } = traces();
    const merged = mergeTraces(a, b, { ...diff, pairs: diff.pairs.slice(0, 2), onlyInA: [summary(4, 'infer')], onlyInB: [summary(5, 'infer')] });
    expect(merged.nodes.find((n) => n.id === 'run:4')?.diff).toBe('onlyA');
    expect(merged.nodes.find((n) => n.id === 'run:5')?.diff).toBe('onlyB');
  });
});
