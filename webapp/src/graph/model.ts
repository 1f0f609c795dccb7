/**
 * The lineage graph as the UI sees it: runs and IO pointers as nodes, data flow as edges.
 *
 * Edges always point the way data flows (input -> run -> output, upstream run -> downstream
 * run), whichever way the trace was walked, so layout and path-finding need one rule only.
 */

import type { StaleKind, StalenessReport } from '../api/types';

export type PointerKind = 'data' | 'model' | 'endpoint' | 'unknown';
export type NodeKind = 'run' | PointerKind | 'group';

/** In the diff view: what the trace diff says about a node (see graph/diff.ts). */
export type DiffState = 'same' | 'changed' | 'onlyA' | 'onlyB';

export interface LineageNode {
  /** `run:<id>`, `io:<name>` or `group:<parent>`: typed so a click knows what it hit. */
  id: string;
  kind: NodeKind;
  label: string;
  /** Hops from the start of the walk, as the server computed them; null when unknown. */
  level: number | null;
  runId?: number;
  outputId?: string;
  component?: string;
  failed?: boolean;
  stale?: boolean;
  flagged?: boolean;
  /** For a group node: the ids it stands for. */
  members?: string[];
  /** Diff view only: the node's state, which side a changed run is on, and which output it is. */
  diff?: DiffState;
  diffSide?: 'A' | 'B';
  diffRoot?: 'A' | 'B';
  /** Why the run is stale now (or as of the graph's moment), computed when asked; absent when fresh. */
  staleKinds?: StaleKind[];
}

export type EdgeKind = 'consumed' | 'produced' | 'depends' | 'group';

export interface LineageEdge {
  id: string;
  source: string;
  target: string;
  kind: EdgeKind;
}

export type Direction = 'upstream' | 'downstream';

export interface LineageGraph {
  rootId: string;
  direction: Direction;
  nodes: LineageNode[];
  edges: LineageEdge[];
  /** The server stopped at a bound (depth or node cap): there is more than this. */
  truncated: boolean;
  /** The moment the graph is shown as of (null or absent: now). */
  asOf?: string | null;
  /** The server's word on why an as-of graph is empty ("nothing had been logged by ..."). */
  note?: string | null;
  /** For a trace: what is stale behind the output and the re-run plan (null when not asked or unknown). */
  staleness?: StalenessReport | null;
}

export const runNodeId = (id: number): string => `run:${id}`;
export const ioNodeId = (name: string): string => `io:${name}`;

export function edgeId(source: string, target: string): string {
  return `${source}->${target}`;
}

/** Adjacency lists in both directions, built once per graph. */
export interface Adjacency {
  out: Map<string, string[]>;
  in: Map<string, string[]>;
}

export function adjacency(nodes: readonly LineageNode[], edges: readonly LineageEdge[]): Adjacency {
  const out = new Map<string, string[]>();
  const inn = new Map<string, string[]>();
  for (const node of nodes) {
    out.set(node.id, []);
    inn.set(node.id, []);
  }
  for (const edge of edges) {
    out.get(edge.source)?.push(edge.target);
    inn.get(edge.target)?.push(edge.source);
  }
  return { out, in: inn };
}
