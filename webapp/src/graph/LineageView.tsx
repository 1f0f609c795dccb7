/**
 * The interactive lineage graph: React Flow over positions from `layoutGraph`.
 * It draws what `boundGraph` chose and reports clicks; the page owns all state.
 */
import {
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  ReactFlowProvider,
  MarkerType,
  useReactFlow,
  useStore,
  type Edge,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useEffect, useMemo, useRef, type MouseEvent } from 'react';
import type { BoundGraph } from './bound';
import { layoutGraph, NODE_HEIGHT, NODE_WIDTH } from './layout';
import { NODE_TYPES, type FlowNode } from './nodes';
import { boundsOf, initialViewport, type Size } from './viewport';

interface Props {
  graph: BoundGraph;
  /** Node ids to light up (a path or search matches); empty means nothing is highlighted. */
  lit: ReadonlySet<string>;
  litEdges: ReadonlySet<string>;
  /** Centre on this node when it changes (search). */
  focus: string | null;
  onNodeClick: (id: string, withShift: boolean) => void;
  dark: boolean;
}

/** Canvas sizes are rounded down to this step so a drag-resize does not re-lay the graph per pixel. */
const SIZE_STEP = 20;

const DIFF_COLOURS = { same: '#adb5bd', changed: '#ae3ec9', onlyA: '#1c7ed6', onlyB: '#2f9e44' } as const;

function minimapColour(node: FlowNode): string {
  const n = node.data.node;
  if (n.diff) return DIFF_COLOURS[n.diff];
  if (n.staleKinds?.length) return '#f08c00';
  if (n.flagged || n.failed) return '#d9480f';
  if (n.stale) return '#f08c00';
  return n.kind === 'run' ? '#4263eb' : '#868e96';
}

function Graph({ graph, lit, litEdges, focus, onNodeClick, dark }: Props) {
  const flow = useReactFlow();
  const width = useStore((s) => Math.floor(s.width / SIZE_STEP) * SIZE_STEP);
  const height = useStore((s) => Math.floor(s.height / SIZE_STEP) * SIZE_STEP);
  const canvas: Size | null = useMemo(() => (width > 0 && height > 0 ? { width, height } : null), [width, height]);
  const positions = useMemo(() => layoutGraph(graph, { canvas }), [graph, canvas]);
  const highlighting = lit.size > 0;
  const nodes: FlowNode[] = useMemo(
    () =>
      graph.nodes.map((node) => ({
        id: node.id,
        type: node.kind === 'run' ? 'run' : node.kind === 'group' ? 'fold' : 'pointer',
        position: positions.get(node.id) ?? { x: 0, y: 0 },
        // Fixed sizes: the minimap and fitView need them, and nothing has to be measured.
        width: NODE_WIDTH,
        height: NODE_HEIGHT,
        draggable: false,
        connectable: false,
        data: {
          node,
          lit: lit.has(node.id),
          dim: highlighting && !lit.has(node.id),
          root: node.id === graph.rootId,
          more: graph.expandable.has(node.id),
        },
      })),
    [graph, positions, lit, highlighting],
  );
  const edges: Edge[] = useMemo(
    () =>
      graph.edges.map((e) => ({
        id: e.id,
        source: e.source,
        target: e.target,
        className: [
          `edge-${e.kind}`,
          litEdges.has(e.id) ? 'lit' : highlighting ? 'dim' : '',
        ].join(' '),
        animated: litEdges.has(e.id),
        markerEnd: { type: MarkerType.ArrowClosed, width: 14, height: 14 },
      })),
    [graph, litEdges, highlighting],
  );

  // Set the camera when nodes appear or disappear (expand, collapse, groups) or the canvas
  // changes size, not on flag changes: the whole graph when it fits legibly, else a legible
  // zoom around the start node (see viewport.ts).
  const fitKey = `${graph.nodes.length}|${width}x${height}`;
  const fitted = useRef<string | null>(null);
  useEffect(() => {
    if (!canvas || fitted.current === fitKey) return;
    const first = fitted.current === null;
    fitted.current = fitKey;
    const node = { width: NODE_WIDTH, height: NODE_HEIGHT };
    const bounds = boundsOf(positions.values(), node);
    if (!bounds) return;
    const root = positions.get(graph.rootId);
    const focusBox = root ? { x: root.x, y: root.y, ...node } : null;
    void flow.setViewport(initialViewport(bounds, canvas, focusBox), { duration: first ? 0 : 200 });
  }, [fitKey, canvas, positions, graph.rootId, flow]);

  useEffect(() => {
    if (!focus) return;
    const p = positions.get(focus);
    if (p) void flow.setCenter(p.x + 80, p.y + 20, { zoom: 1.2, duration: 300 });
  }, [focus, positions, flow]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      const target = event.target as HTMLElement | null;
      if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA')) return;
      if (event.key === 'f') void flow.fitView({ duration: 200 });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [flow]);

  return (
    <ReactFlow
      nodes={nodes}
      edges={edges}
      nodeTypes={NODE_TYPES}
      onNodeClick={(event: MouseEvent, node) => onNodeClick(node.id, event.shiftKey)}
      minZoom={0.02}
      maxZoom={2.5}
      onlyRenderVisibleElements
      nodesDraggable={false}
      nodesConnectable={false}
      elementsSelectable
      colorMode={dark ? 'dark' : 'light'}
      proOptions={{ hideAttribution: true }}
    >
      <Background gap={24} />
      <Controls showInteractive={false} position="top-left" />
      {/* Bottom right: with bands filled in reading order the last band is the shortest, so
          that corner is the emptiest one of a first view. */}
      <MiniMap pannable zoomable nodeColor={minimapColour} ariaLabel="Minimap" position="bottom-right" />
    </ReactFlow>
  );
}

export function LineageView(props: Props) {
  return (
    <div className="graph-canvas" data-testid="lineage-graph">
      <ReactFlowProvider>
        <Graph {...props} />
      </ReactFlowProvider>
    </div>
  );
}
