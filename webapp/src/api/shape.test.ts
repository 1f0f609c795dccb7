import { describe, expect, it } from 'vitest';
import { formatDuration, parseJsonish, shortName, toLineageGraph, toRun, type RawTrace } from './shape';

describe('toLineageGraph', () => {
  // run 2 consumed a (produced by run 1) and produced out; run 2 also DEPENDS_ON run 1 and run 9
  // (set_upstream, no pointer between them).
  const raw: RawTrace = {
    root: 'io:out',
    truncated: true,
    nodes: [
      { id: 'out', kind: 'IO_POINTER', level: 0, ioPointer: { name: 'out', value: null, pointerType: 'MODEL', flag: true } },
      {
        id: '2',
        kind: 'RUN',
        level: 0,
        run: { id: 2, componentName: 'train', status: 'failed', stale: ['old dep'] },
      },
      { id: 'a', kind: 'IO_POINTER', level: 1, ioPointer: { name: 'a', value: null, pointerType: 'DATA', flag: false } },
      { id: '1', kind: 'RUN', level: 1, run: { id: 1, componentName: 'etl' } },
      { id: '9', kind: 'RUN', level: 1, run: { id: 9, componentName: 'setup' } },
    ],
    edges: [
      { source: '2', target: 'out', type: 'PRODUCED' },
      { source: '2', target: 'a', type: 'CONSUMED' },
      { source: '1', target: 'a', type: 'PRODUCED' },
      { source: '2', target: '1', type: 'DEPENDS_ON' },
      { source: '2', target: '9', type: 'DEPENDS_ON' },
    ],
  };
  const graph = toLineageGraph(raw, 'io:out', 'upstream');

  it('types node ids and marks failed, stale and flagged nodes', () => {
    expect(graph.nodes).toEqual([
      { id: 'io:out', kind: 'model', label: 'out', level: 0, outputId: 'out', flagged: true },
      { id: 'run:2', kind: 'run', label: 'train #2', level: 0, runId: 2, component: 'train', failed: true, stale: true },
      { id: 'io:a', kind: 'data', label: 'a', level: 1, outputId: 'a', flagged: false },
      { id: 'run:1', kind: 'run', label: 'etl #1', level: 1, runId: 1, component: 'etl', failed: false, stale: false },
      { id: 'run:9', kind: 'run', label: 'setup #9', level: 1, runId: 9, component: 'setup', failed: false, stale: false },
    ]);
  });

  it('points every edge along the data flow and drops dependencies a pointer already shows', () => {
    expect(graph.edges.map((e) => `${e.source} ${e.kind} ${e.target}`)).toEqual([
      'run:2 produced io:out',
      'io:a consumed run:2',
      'run:1 produced io:a',
      'run:9 depends run:2',
    ]);
    expect(graph.truncated).toBe(true);
  });
});

describe('toLineageGraph with the server\'s typed ids', () => {
  it('keeps typed ids and orients CONSUMED edges whichever way round they come', () => {
    const graph = toLineageGraph(
      {
        root: 'run:5',
        truncated: false,
        nodes: [
          { id: 'run:5', kind: 'RUN', level: 0, label: 'etl #5' },
          { id: 'io:x', kind: 'IO_POINTER', level: 0, label: 'x' },
          { id: 'io:y', kind: 'IO_POINTER', level: 0, label: 'y' },
        ],
        edges: [
          { source: 'io:x', target: 'run:5', type: 'CONSUMED' },
          { source: 'io:y', target: 'run:5', type: 'PRODUCED' },
        ],
      },
      'run:5',
      'downstream',
    );
    expect(graph.nodes.map((n) => n.id)).toEqual(['run:5', 'io:x', 'io:y']);
    expect(graph.edges.map((e) => e.id)).toEqual(['io:x->run:5', 'run:5->io:y']);
  });
});

describe('toRun', () => {
  it('parses params and metrics sent as JSON text and defaults missing lists', () => {
    const run = toRun({ id: 3, componentName: 'c', params: '{"lr": 0.1}', metrics: { acc: 0.9 }, testResults: 'not json' });
    expect(run.params).toEqual({ lr: 0.1 });
    expect(run.metrics).toEqual({ acc: 0.9 });
    expect(run.testResults).toBe('not json');
    expect(run.inputs).toEqual([]);
    expect(run.gitTags).toEqual([]);
    expect(run.notes).toBe('');
  });

  it('reads a null JSON value as null', () => {
    expect(parseJsonish(null)).toBeNull();
  });
});

describe('formatDuration', () => {
  it.each([
    ['2026-01-01T00:00:00Z', '2026-01-01T00:00:00.250Z', '250 ms'],
    ['2026-01-01T00:00:00Z', '2026-01-01T00:00:03.5Z', '3.50 s'],
    ['2026-01-01T00:00:00Z', '2026-01-01T00:02:05Z', '2 min 5 s'],
    ['2026-01-01T00:00:00Z', '2026-01-01T03:30:00Z', '3 h 30 min'],
  ])('from %s to %s is %s', (start, end, words) => {
    expect(formatDuration(start, end)).toBe(words);
  });

  it('is null when an end is missing or before the start', () => {
    expect(formatDuration('2026-01-01T00:00:00Z', null)).toBeNull();
    expect(formatDuration('2026-01-02T00:00:00Z', '2026-01-01T00:00:00Z')).toBeNull();
  });
});

describe('shortName', () => {
  it.each([
    ['/tmp/demo/features_2.csv', 'features_2.csv'],
    ['s3://bucket/models/', 'models'],
    ['plain-id', 'plain-id'],
    ['/', '/'],
  ])('shows %s as %s', (name, short) => {
    expect(shortName(name)).toBe(short);
  });
});
