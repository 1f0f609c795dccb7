/**
 * Staleness at query time: the GraphQL selection, and the server's report mapped to the app's
 * shape (pure, unit-tested). `operations.ts` asks for it beside a trace, and per suspect for
 * the review, so neither costs an extra request.
 */
import type { StaleKind, StaleReason, StalenessReport } from './types';

const REASON_FIELDS = `kind message cause { id } rootCauses { id }`;

/** The selection for a `StalenessResult` (report, NotFound or InvalidInput). */
export const STALENESS_FIELDS = `__typename
  ... on StalenessReport { target fresh asOf
    runs { run { id componentName } reasons { ${REASON_FIELDS} } }
    plan { order component run { id } reasons { ${REASON_FIELDS} } } }
  ... on NotFound { message }
  ... on InvalidInput { message }`;

interface RawReason {
  kind: string;
  message: string;
  cause?: { id: number } | null;
  rootCauses?: { id: number }[] | null;
}

export interface RawStaleness {
  __typename: string;
  target?: string;
  fresh?: boolean;
  asOf?: string | null;
  runs?: { run: { id: number; componentName: string }; reasons: RawReason[] }[];
  plan?: { order: number; component: string; run: { id: number }; reasons: RawReason[] }[];
  message?: string;
}

export const STALE_KINDS: StaleKind[] = ['DATA', 'AGE', 'CODE', 'UPSTREAM'];

/** What each kind means, for the legend and tooltips. */
export const STALE_KIND_LABEL: Record<StaleKind, string> = {
  DATA: 'DATA: a newer run of an input exists',
  AGE: 'AGE: an input is older than the threshold',
  CODE: 'CODE: a later run has other code',
  UPSTREAM: 'UPSTREAM: something upstream is stale',
};

function toReason(raw: RawReason): StaleReason {
  const kind = STALE_KINDS.find((k) => k === raw.kind.toUpperCase()) ?? 'UPSTREAM';
  return {
    kind,
    message: raw.message,
    causeId: raw.cause?.id ?? null,
    rootCauseIds: (raw.rootCauses ?? []).map((r) => r.id),
  };
}

/** The report, or null when the server answered NotFound / InvalidInput (no report to show). */
export function toStaleness(raw: RawStaleness | null | undefined): StalenessReport | null {
  if (!raw || raw.__typename !== 'StalenessReport') return null;
  return {
    target: raw.target ?? '',
    fresh: raw.fresh ?? true,
    asOf: raw.asOf ?? null,
    runs: (raw.runs ?? []).map((r) => ({ runId: r.run.id, componentName: r.run.componentName, reasons: r.reasons.map(toReason) })),
    plan: (raw.plan ?? []).map((p) => ({ order: p.order, component: p.component, runId: p.run.id, reasons: p.reasons.map(toReason) })),
  };
}

/** The distinct kinds of a list of reasons, in the fixed order DATA, AGE, CODE, UPSTREAM. */
export function kindsOf(reasons: readonly StaleReason[]): StaleKind[] {
  const present = new Set(reasons.map((r) => r.kind));
  return STALE_KINDS.filter((k) => present.has(k));
}

/** Stale kinds per run id, for marking a graph's run nodes. */
export function staleKindsByRun(report: StalenessReport | null): Map<number, StaleKind[]> {
  const kinds = new Map<number, StaleKind[]>();
  for (const run of report?.runs ?? []) if (run.reasons.length) kinds.set(run.runId, kindsOf(run.reasons));
  return kinds;
}
