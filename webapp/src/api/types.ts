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

/** One change of an output's flag: the audit trail a run card shows. */
export interface FlagEvent {
  at: string;
  output: string;
  flagged: boolean;
  /** The API token's name, or "local" for the Python API and CLI. */
  by: string;
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
  /** Flag changes on this run's outputs, newest first. */
  flagEvents: FlagEvent[];
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
  /** The moment the review looked at (flags as they were then); null for now. */
  asOf: string | null;
  /** Why the answer is empty when that is because of `asOf`. */
  note: string | null;
  flagged: Pointer[];
  culprits: CulpritRow[];
}

/** One field that differs between two aligned runs (`git_hash`, `params.window`, ...). */
export interface FieldChange {
  field: string;
  a: unknown;
  b: unknown;
}

/** Two runs of one component, aligned across two traces. */
export interface RunPair {
  component: string;
  /** Where the pair sits when a component occurs several times upstream ("#1 at depth 2"). */
  position: string;
  a: RunSummary;
  b: RunSummary;
  same: boolean;
  changes: FieldChange[];
}

/** An aligned pair that differs while nothing upstream of it does: where to look first. */
export interface Divergence {
  component: string;
  aRunId: number;
  bRunId: number;
  reason: string;
}

export interface TraceDiff {
  a: string;
  b: string;
  identical: boolean;
  summary: string;
  pairs: RunPair[];
  onlyInA: RunSummary[];
  onlyInB: RunSummary[];
  firstDivergences: Divergence[];
}

/** Why a run is stale, computed when asked (docs/diagnosis.md, "Staleness and the re-run plan"). */
export type StaleKind = 'DATA' | 'AGE' | 'CODE' | 'UPSTREAM';

export interface StaleReason {
  kind: StaleKind;
  message: string;
  /** The run that causes it; for UPSTREAM the stale dependency it arrives through. */
  causeId: number | null;
  /** UPSTREAM only: the most upstream stale runs behind it. */
  rootCauseIds: number[];
}

export interface StaleRun {
  runId: number;
  componentName: string;
  reasons: StaleReason[];
}

export interface PlanStep {
  order: number;
  component: string;
  runId: number;
  reasons: StaleReason[];
}

export interface StalenessReport {
  target: string;
  fresh: boolean;
  asOf: string | null;
  /** Every run behind the target, upstream first; a fresh run has no reasons. */
  runs: StaleRun[];
  /** The runs to redo, in dependency order; empty exactly when fresh. */
  plan: PlanStep[];
}
