// A synthetic 2,000-node trace in the server's TraceGraph shape, for the "large traces stay
// usable" browser test. The demo pipeline is five runs deep; logging thousands of runs only
// to draw them would make the suite slow, so this one answer is served in the browser.

/** `width` runs per level over `depth` levels, each output consumed by two runs downstream. */
export function wideTrace(width, depth) {
  const run = (id, level) => ({
    id: `run:${id}`,
    kind: 'RUN',
    level,
    label: `step${level}`,
    run: {
      id,
      componentName: `step${level}`,
      status: id % 23 === 0 ? 'failed' : 'success',
      stale: id % 17 === 0 ? ['an older run of its input exists'] : [],
      startTimestamp: null,
      endTimestamp: null,
    },
    ioPointer: null,
  });
  const io = (name, level) => ({
    id: `io:${name}`,
    kind: 'IO_POINTER',
    level,
    label: name,
    run: null,
    ioPointer: { name, value: name, pointerType: name === 'final' ? 'MODEL' : 'DATA', flag: name === 'final' },
  });
  const nodes = [io('final', 0), run(1, 0)];
  const edges = [{ source: 'run:1', target: 'io:final', type: 'PRODUCED' }];
  const id = (level, i) => 1 + (level - 1) * width + i + 1;
  for (let level = 1; level <= depth; level++) {
    for (let i = 0; i < width; i++) {
      const r = id(level, i);
      nodes.push(run(r, level), io(`part-${r}`, level));
      edges.push({ source: `run:${r}`, target: `io:part-${r}`, type: 'PRODUCED' });
      const consumers = level === 1 ? [1] : [id(level - 1, i), id(level - 1, (i + 1) % width)];
      for (const c of new Set(consumers)) edges.push({ source: `run:${c}`, target: `io:part-${r}`, type: 'CONSUMED' });
    }
  }
  return { __typename: 'TraceGraph', root: 'io:final', direction: 'upstream', levels: depth + 1, truncated: false, nodes, edges };
}
