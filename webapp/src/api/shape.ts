/** Server JSON to the app's shapes. Pure, so the odd cases (JSON strings, missing lists) are unit-tested. */
import { edgeId, ioNodeId, runNodeId, type Direction, type LineageEdge, type LineageGraph, type LineageNode, type PointerKind } from '../graph/model';
import type { FlagEvent, Pointer, Run, RunSummary } from './types';

export interface RawRun {
  id: number;
  componentName: string;
  startTimestamp?: string | null;
  endTimestamp?: string | null;
  status?: string | null;
  stale?: string[] | null;
  owner?: string | null;
  gitHash?: string | null;
  gitTags?: string[] | null;
  notes?: string | null;
  dependencyIds?: number[] | null;
  testResults?: unknown;
  params?: unknown;
  metrics?: unknown;
  inputs?: Pointer[] | null;
  outputs?: Pointer[] | null;
  flagEvents?: FlagEvent[] | null;
}

export interface RawTrace {
  root: string;
  truncated: boolean;
  asOf?: string | null;
  note?: string | null;
  nodes: { id: string; kind: string; level: number | null; label?: string; run?: RawRun | null; ioPointer?: Pointer | null }[];
  edges: { source: string; target: string; type: string }[];
}

/** A JSON scalar may arrive as a string (mltrace stored JSON text) or already parsed. */
export function parseJsonish(value: unknown): unknown {
  if (typeof value !== 'string') return value ?? null;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

function asRecord(value: unknown): Record<string, unknown> {
  const parsed = parseJsonish(value);
  return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
}

export function toRunSummary(raw: RawRun): RunSummary {
  return {
    id: raw.id,
    componentName: raw.componentName,
    startTimestamp: raw.startTimestamp ?? null,
    endTimestamp: raw.endTimestamp ?? null,
    status: raw.status ?? 'success',
    stale: raw.stale ?? [],
  };
}

export function toRun(raw: RawRun): Run {
  return {
    ...toRunSummary(raw),
    owner: raw.owner ?? null,
    gitHash: raw.gitHash ?? null,
    gitTags: raw.gitTags ?? [],
    notes: raw.notes ?? '',
    inputs: raw.inputs ?? [],
    outputs: raw.outputs ?? [],
    dependencyIds: raw.dependencyIds ?? [],
    testResults: parseJsonish(raw.testResults),
    params: asRecord(raw.params),
    metrics: asRecord(raw.metrics),
    flagEvents: raw.flagEvents ?? [],
  };
}

/** Duration between two ISO timestamps in words with the right unit, or null when unknown. */
export function formatDuration(start: string | null, end: string | null): string | null {
  if (!start || !end) return null;
  const ms = Date.parse(end) - Date.parse(start);
  if (!Number.isFinite(ms) || ms < 0) return null;
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  const h = Math.floor(s / 3600);
  return `${h} h ${Math.round((s % 3600) / 60)} min`;
}

/** What a graph node shows for a pointer: the last part of a path or URL; the full name is its tooltip. */
export function shortName(name: string): string {
  const trimmed = name.replace(/\/+$/, '');
  const tail = trimmed.slice(trimmed.lastIndexOf('/') + 1);
  return tail || name;
}

const POINTER_KINDS: Record<string, PointerKind> = { DATA: 'data', MODEL: 'model', ENDPOINT: 'endpoint' };

function typedId(kind: string, raw: RawTrace['nodes'][number]): string {
  if (raw.run) return runNodeId(raw.run.id);
  if (raw.ioPointer) return ioNodeId(raw.ioPointer.name);
  if (/^(run|io):/.test(raw.id)) return raw.id;
  return kind === 'RUN' ? runNodeId(Number(raw.id)) : ioNodeId(raw.id);
}

/**
 * The server's flat trace as a data-flow graph: CONSUMED (run -> input) becomes input -> run,
 * DEPENDS_ON (downstream -> upstream) becomes upstream -> downstream, and a DEPENDS_ON edge is
 * dropped when a pointer already connects the two runs (it would only duplicate that path).
 */
export function toLineageGraph(raw: RawTrace, rootId: string, direction: Direction): LineageGraph {
  const idMap = new Map<string, string>();
  const nodes: LineageNode[] = raw.nodes.map((n) => {
    const id = typedId(n.kind.toUpperCase(), n);
    idMap.set(n.id, id);
    if (n.run) {
      return {
        id,
        kind: 'run',
        label: `${n.run.componentName} #${n.run.id}`,
        level: n.level,
        runId: n.run.id,
        component: n.run.componentName,
        failed: n.run.status === 'failed',
        stale: (n.run.stale ?? []).length > 0,
      };
    }
    const pointer = n.ioPointer;
    const name = pointer?.name ?? n.id.replace(/^io:/, '');
    return {
      id,
      kind: POINTER_KINDS[(pointer?.pointerType ?? '').toUpperCase()] ?? 'unknown',
      label: shortName(name),
      level: n.level,
      outputId: name,
      flagged: pointer?.flag ?? false,
    };
  });
  const map = (id: string): string => idMap.get(id) ?? id;
  const flow: LineageEdge[] = [];
  const seen = new Set<string>();
  const add = (source: string, target: string, kind: LineageEdge['kind']): void => {
    const id = edgeId(source, target);
    if (seen.has(id)) return;
    seen.add(id);
    flow.push({ id, source, target, kind });
  };
  const depends: [string, string][] = [];
  const isRun = (id: string): boolean => id.startsWith('run:');
  for (const e of raw.edges) {
    const type = e.type.toUpperCase();
    const [a, b] = [map(e.source), map(e.target)];
    // Orient by node kind, not by how the server wrote the pair: data flows pointer -> run
    // for CONSUMED and run -> pointer for PRODUCED.
    if (type === 'CONSUMED') add(isRun(a) ? b : a, isRun(a) ? a : b, 'consumed');
    else if (type === 'PRODUCED') add(isRun(a) ? a : b, isRun(a) ? b : a, 'produced');
    else if (type === 'DEPENDS_ON') depends.push([b, a]);
  }
  const producedBy = new Map<string, Set<string>>();
  for (const e of flow) if (e.kind === 'produced') producedBy.set(e.target, (producedBy.get(e.target) ?? new Set()).add(e.source));
  const viaPointer = new Set<string>();
  for (const e of flow) {
    if (e.kind !== 'consumed') continue;
    for (const producer of producedBy.get(e.source) ?? []) viaPointer.add(edgeId(producer, e.target));
  }
  for (const [up, down] of depends) if (!viaPointer.has(edgeId(up, down))) add(up, down, 'depends');
  const known = new Set(nodes.map((n) => n.id));
  return {
    rootId,
    direction,
    nodes,
    edges: flow.filter((e) => known.has(e.source) && known.has(e.target)),
    truncated: raw.truncated,
    asOf: raw.asOf ?? null,
    note: raw.note ?? null,
  };
}
