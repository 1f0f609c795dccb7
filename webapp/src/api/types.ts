/** The shapes the views use. `operations.ts` fetches them; `shape.ts` maps server JSON to them. */

export interface Pointer {
  name: string;
  value: string | null;
  pointerType: string;
  flag: boolean;
}

export interface RunSummary {
  id: number;
  componentName: string;
  startTimestamp: string | null;
  endTimestamp: string | null;
  status: string;
  stale: string[];
}

export interface Run extends RunSummary {
  owner: string | null;
  gitHash: string | null;
  gitTags: string[];
  notes: string;
  inputs: Pointer[];
  outputs: Pointer[];
  dependencyIds: number[];
  testResults: unknown;
  params: Record<string, unknown>;
  metrics: Record<string, unknown>;
}

export interface Component {
  name: string;
  owner: string | null;
  description: string | null;
  tags: string[];
  runCount: number;
  lastRunId: number | null;
  lastRunStart: string | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface CulpritRow {
  run: RunSummary;
  /** Flagged outputs downstream of the run. */
  ef: number;
  /** Unflagged outputs downstream of the run. */
  ep: number;
  coverage: number;
  /** ef / sqrt(F * (ef + ep)). */
  ochiai: number;
  /** What the list is ranked on: coverage or ochiai. */
  score: number;
}

export interface Review {
  flagged: Pointer[];
  culprits: CulpritRow[];
}
