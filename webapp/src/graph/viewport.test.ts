import { describe, expect, it } from 'vitest';
import { chainTrace, flow, io, run, wideTrace } from './fixtures';
import { layoutGraph, NODE_HEIGHT, NODE_WIDTH } from './layout';
import type { LineageGraph } from './model';
import {
  bandedExtent,
  boundsOf,
  columnsPerBand,
  FIT_PADDING_PX,
  initialViewport,
  LABEL_FONT_PX,
  LEGIBLE_ZOOM,
  MIN_LABEL_PX,
  type Box,
  type Cell,
  type Viewport,
} from './viewport';

// The canvas of a 1400x900 window (the page chrome takes the rest).
const CANVAS = { width: 1360, height: 730 };
const CELL: Cell = { columnWidth: 220, rowHeight: 64, nodeWidth: NODE_WIDTH, nodeHeight: NODE_HEIGHT, bandGap: 56 };
const NODE = { width: NODE_WIDTH, height: NODE_HEIGHT };

/** A chain of `runs` runs traced upstream: raw -> run -> pointer -> run -> ... -> out. */
function longChain(runs: number): LineageGraph {
  const nodes = [io('raw')];
  const edges = [];
  let previous = 'io:raw';
  for (let i = 1; i <= runs; i++) {
    const out = i === runs ? 'out' : `p${i}`;
    nodes.push(run(i, runs - i), io(out));
    edges.push(flow(previous, `run:${i}`, 'consumed'), flow(`run:${i}`, `io:${out}`));
    previous = `io:${out}`;
  }
  return { rootId: 'io:out', direction: 'upstream', truncated: false, nodes, edges };
}

function screenBox(box: Box, view: Viewport): Box {
  return { x: box.x * view.zoom + view.x, y: box.y * view.zoom + view.y, width: box.width * view.zoom, height: box.height * view.zoom };
}

function inside(inner: Box, outer: { width: number; height: number }): boolean {
  const eps = 1e-6;
  return inner.x >= -eps && inner.y >= -eps && inner.x + inner.width <= outer.width + eps && inner.y + inner.height <= outer.height + eps;
}

/** The first view of a graph on CANVAS, as LineageView computes it. */
function firstView(graph: LineageGraph): { view: Viewport; bounds: Box; positions: ReturnType<typeof layoutGraph> } {
  const positions = layoutGraph(graph, { canvas: CANVAS });
  const bounds = boundsOf(positions.values(), NODE) as Box;
  const root = positions.get(graph.rootId);
  const view = initialViewport(bounds, CANVAS, root ? { x: root.x, y: root.y, ...NODE } : null);
  return { view, bounds, positions };
}

describe('LEGIBLE_ZOOM', () => {
  it('renders a label at no less than 11 px', () => {
    expect(LABEL_FONT_PX * LEGIBLE_ZOOM).toBeGreaterThanOrEqual(MIN_LABEL_PX);
    expect(LABEL_FONT_PX * (LEGIBLE_ZOOM - 0.002)).toBeLessThan(MIN_LABEL_PX);
  });
});

describe('bandedExtent', () => {
  it('adds the bands’ heights and the gaps between them', () => {
    // Columns of 1, 3, 2, 1 nodes, two to a band: bands of 3 and 2 rows.
    expect(bandedExtent([1, 3, 2, 1], 2, CELL)).toEqual({
      width: 220 + NODE_WIDTH,
      height: 2 * 64 + NODE_HEIGHT + 56 + 64 + NODE_HEIGHT,
    });
  });

  it('is one band when the band is wider than the graph', () => {
    expect(bandedExtent([1, 1, 1], 10, CELL)).toEqual({ width: 2 * 220 + NODE_WIDTH, height: NODE_HEIGHT });
  });
});

describe('columnsPerBand', () => {
  it('leaves a graph that already fits legibly in one band', () => {
    expect(columnsPerBand([1, 1, 1, 1, 1], CANVAS, CELL)).toBe(5);
  });

  it('wraps an eight-column strip into the fewest bands that show labels at full size', () => {
    // One band: 1,720 px wide, zoom 0.76. Seven columns: zoom 0.87 (legible, not full size).
    // Six columns: 1,280 px, zoom 1.03.
    expect(columnsPerBand([1, 1, 2, 2, 2, 1, 1, 1], CANVAS, CELL)).toBe(6);
  });

  it('does not wrap a graph too big for any legible wrapping', () => {
    expect(columnsPerBand(Array.from({ length: 20 }, () => 100), CANVAS, CELL)).toBe(20);
  });
});

describe('the first view', () => {
  it('shows the whole demo-sized trace at a legible zoom', () => {
    const { view, positions } = firstView(longChain(5)); // 11 nodes in 11 columns
    expect(view.zoom).toBeGreaterThanOrEqual(LEGIBLE_ZOOM);
    for (const p of positions.values()) expect(inside(screenBox({ x: p.x, y: p.y, ...NODE }, view), CANVAS)).toBe(true);
  });

  it.each([
    ['a 50-node chain', longChain(24)],
    ['a 7-node chain', chainTrace()],
    ['a 2 x 12 ladder', wideTrace(2, 12)],
    ['a 12-wide, 2-deep fan', wideTrace(12, 2)],
  ])('shows every node of %s with labels of at least 11 px', (_name, graph) => {
    expect(graph.nodes.length).toBeLessThanOrEqual(51);
    const { view, positions } = firstView(graph);
    expect(view.zoom * LABEL_FONT_PX).toBeGreaterThanOrEqual(MIN_LABEL_PX);
    for (const p of positions.values()) expect(inside(screenBox({ x: p.x, y: p.y, ...NODE }, view), CANVAS)).toBe(true);
  });

  it('opens a 2,000-node trace at the legible zoom with the traced output in view', () => {
    const graph = wideTrace(100, 10);
    const { view, positions, bounds } = firstView(graph);
    expect(view.zoom).toBe(LEGIBLE_ZOOM);
    const root = positions.get('io:final');
    expect(root).toBeDefined();
    if (!root) return;
    expect(inside(screenBox({ x: root.x, y: root.y, ...NODE }, view), CANVAS)).toBe(true);
    // The graph fills the view: its right edge (where the output sits) is at the padding, not beyond.
    expect((bounds.x + bounds.width) * view.zoom + view.x).toBeCloseTo(CANVAS.width - FIT_PADDING_PX);
  });

  it('centres on the start node when the graph extends past it on every side', () => {
    const bounds = { x: -5000, y: -5000, width: 10000, height: 10000 };
    const focus = { x: 0, y: 0, ...NODE };
    const view = initialViewport(bounds, CANVAS, focus);
    const screen = screenBox(focus, view);
    expect(screen.x + screen.width / 2).toBeCloseTo(CANVAS.width / 2);
    expect(screen.y + screen.height / 2).toBeCloseTo(CANVAS.height / 2);
  });
});

describe('layoutGraph with a canvas', () => {
  it('stacks bands top to bottom and keeps data flowing left to right inside each band', () => {
    const graph = longChain(24);
    const positions = layoutGraph(graph, { canvas: CANVAS });
    const ys = new Set([...positions.values()].map((p) => p.y));
    expect(ys.size).toBeGreaterThan(1);
    for (const edge of graph.edges) {
      const a = positions.get(edge.source);
      const b = positions.get(edge.target);
      if (!a || !b) throw new Error('unplaced node');
      if (a.y === b.y) expect(a.x).toBeLessThan(b.x);
      else expect(b.y).toBeGreaterThan(a.y); // the edge wraps to the next band, below
    }
  });

  it('lays out without bands when no canvas is given', () => {
    const positions = layoutGraph(longChain(24));
    expect(new Set([...positions.values()].map((p) => p.y))).toEqual(new Set([0]));
  });
});
