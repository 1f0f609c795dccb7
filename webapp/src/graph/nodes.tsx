/** One renderer per node kind. Kept tiny: at 2,000 nodes every element counts. */
import { Handle, Position, type NodeProps, type Node } from '@xyflow/react';
import { memo } from 'react';
import type { LineageNode } from './model';

export interface NodeData extends Record<string, unknown> {
  node: LineageNode;
  /** On the highlighted path, or a search match. */
  lit: boolean;
  /** Something is highlighted and this is not. */
  dim: boolean;
  root: boolean;
  /** Has neighbours further out that are not drawn. */
  more: boolean;
}

export type FlowNode = Node<NodeData>;

function classes(data: NodeData, base: string): string {
  const n = data.node;
  return [
    'gnode',
    base,
    n.failed && 'failed',
    n.stale && 'stale',
    n.flagged && 'flagged',
    data.lit && 'lit',
    data.dim && 'dim',
    data.root && 'root',
    n.diff && `diff-${n.diff}`,
    n.staleKinds?.length && `stale-now stale-${n.staleKinds[0]?.toLowerCase()}`,
  ]
    .filter(Boolean)
    .join(' ');
}

const DIFF_MARK = { same: null, changed: 'changed', onlyA: 'only A', onlyB: 'only B' } as const;

/** The diff view's word on a node: its state, and for a changed run the side it is on. */
function DiffMark({ node }: { node: LineageNode }) {
  if (!node.diff) return null;
  const text = DIFF_MARK[node.diff];
  const side = node.diffSide ? ` (${node.diffSide})` : '';
  const root = node.diffRoot ? <span className="mark diff-root">output {node.diffRoot}</span> : null;
  return (
    <>
      {text && <span className={`mark diff-${node.diff}`}>{text + side}</span>}
      {root}
    </>
  );
}

function Handles() {
  return (
    <>
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </>
  );
}

export const RunNode = memo(function RunNode({ data }: NodeProps<FlowNode>) {
  const n = data.node;
  return (
    <div className={classes(data, 'run-node')} data-node-id={n.id} title={n.label}>
      <Handles />
      <div className="gnode-kind">run {n.runId}</div>
      <div className="gnode-label">{n.component}</div>
      <div className="gnode-marks">
        {n.failed && <span className="mark failed">failed</span>}
        {n.stale && !n.staleKinds?.length && <span className="mark stale">stale</span>}
        {n.staleKinds?.map((kind) => (
          <span key={kind} className={`mark stale-${kind.toLowerCase()}`} data-testid="stale-kind">
            {kind}
          </span>
        ))}
        <DiffMark node={n} />
        {data.more && <span className="mark more">more ›</span>}
      </div>
    </div>
  );
});

export const PointerNode = memo(function PointerNode({ data }: NodeProps<FlowNode>) {
  const n = data.node;
  return (
    <div className={classes(data, `io-node io-${n.kind}`)} data-node-id={n.id} title={n.outputId ?? n.label}>
      <Handles />
      <div className="gnode-kind">
        {n.flagged && <span className="flag-mark">⚑ </span>}
        {n.kind}
      </div>
      <div className="gnode-label">{n.label}</div>
      <DiffMark node={n} />
      {data.more && <span className="mark more">more ›</span>}
    </div>
  );
});

export const GroupNode = memo(function GroupNode({ data }: NodeProps<FlowNode>) {
  return (
    <div className={classes(data, 'group-node')} data-node-id={data.node.id} title="Click to show them">
      <Handles />
      <div className="gnode-label">{data.node.label}</div>
    </div>
  );
});

// Not 'group': React Flow styles its own built-in group type.
export const NODE_TYPES = { run: RunNode, pointer: PointerNode, fold: GroupNode };
