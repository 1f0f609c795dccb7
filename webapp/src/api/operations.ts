/**
 * Every GraphQL operation the app sends, typed, against `graphql/schema.graphql` (the SDL the
 * server exports). Views call these functions and never see GraphQL text.
 */
import { ApiError, gql } from './client';
import { toLineageGraph, toRun, toRunSummary, type RawRun, type RawTrace } from './shape';
import type { Component, Page, Pointer, Review, Run, RunSummary, StalenessReport, TraceDiff } from './types';
import { asOfVariable } from '../asOf';
import { STALENESS_FIELDS, staleKindsByRun, toStaleness, type RawStaleness } from './staleness';
import type { Direction, LineageGraph } from '../graph/model';
import type { Rank } from '../routes';

const SUMMARY_FIELDS = `id componentName startTimestamp endTimestamp status stale`;
const POINTER_FIELDS = `name value pointerType flag`;
const RUN_FIELDS = `${SUMMARY_FIELDS} owner gitHash gitTags notes dependencyIds
  testResults params metrics inputs { ${POINTER_FIELDS} } outputs { ${POINTER_FIELDS} }
  flagEvents { at output flagged by }`;
const TRACE_FIELDS = `__typename
  ... on TraceGraph { root truncated asOf note
    nodes { id kind level label run { ${SUMMARY_FIELDS} } ioPointer { ${POINTER_FIELDS} } }
    edges { source target type } }
  ... on NotFound { message }
  ... on InvalidInput { message field }`;

type Union<T> = (T & { __typename: string }) | { __typename: 'NotFound'; message: string } | { __typename: 'InvalidInput'; message: string };

export async function fetchRun(id: number): Promise<Run | null> {
  const data = await gql<{ run: RawRun | null }>(`query Run($id: Int!) { run(id: $id) { ${RUN_FIELDS} } }`, { id });
  return data.run ? toRun(data.run) : null;
}

export async function fetchCodeSnapshot(id: number): Promise<string | null> {
  const data = await gql<{ run: { codeSnapshot: string | null } | null }>(
    `query CodeSnapshot($id: Int!) { run(id: $id) { codeSnapshot } }`,
    { id },
  );
  return data.run?.codeSnapshot ?? null;
}

interface RawRunPage {
  runs: { runs: RawRun[]; endCursor: string | null; hasNextPage: boolean };
}

export async function fetchRecent(after: string | null, first = 30): Promise<Page<RunSummary>> {
  const data = await gql<RawRunPage>(
    `query Recent($first: Int!, $after: String) {
       runs(first: $first, after: $after) { runs { ${SUMMARY_FIELDS} } endCursor hasNextPage } }`,
    { first, after },
  );
  return {
    items: data.runs.runs.map(toRunSummary),
    nextCursor: data.runs.hasNextPage ? data.runs.endCursor : null,
  };
}

/** The last `limit` runs of a component, or null when there is no such component. */
export async function fetchHistory(component: string, limit: number): Promise<RunSummary[] | null> {
  const data = await gql<{ component: { name: string } | null } & RawRunPage>(
    `query History($component: String!, $first: Int!) {
       component(name: $component) { name }
       runs(component: $component, first: $first) { runs { ${SUMMARY_FIELDS} } endCursor hasNextPage } }`,
    { component, first: limit },
  );
  return data.component ? data.runs.runs.map(toRunSummary) : null;
}

export async function fetchComponents(tag: string | null = null): Promise<Component[]> {
  const data = await gql<{ components: Component[] }>(
    `query Components($tag: String) { components(tag: $tag) { name owner description tags runCount lastRunId lastRunStart } }`,
    { tag },
  );
  return data.components;
}

async function fetchLineage(
  field: 'trace' | 'impact',
  args: Record<string, unknown>,
  direction: Direction,
  rootId: string,
): Promise<LineageGraph | null> {
  const signature = field === 'trace' ? '$outputId: String!, $staleId: String!' : '$id: String!';
  const call = field === 'trace' ? 'trace(outputId: $outputId' : 'impact(id: $id';
  // A trace brings what is stale behind its output in the same request.
  const stale = field === 'trace' ? `staleness: staleness(id: $staleId, asOf: $asOf) { ${STALENESS_FIELDS} }` : '';
  const data = await gql<{ result: Union<RawTrace>; staleness?: RawStaleness }>(
    `query Lineage(${signature}, $maxDepth: Int!, $asOf: DateTime) {
       result: ${call}, maxDepth: $maxDepth, asOf: $asOf) { ${TRACE_FIELDS} } ${stale} }`,
    args,
  );
  const result = data.result;
  if (!result || result.__typename === 'NotFound') return null;
  if (result.__typename === 'InvalidInput') throw new ApiError((result as { message: string }).message);
  const trace = result as RawTrace;
  // The server names the start node; fall back on the id asked for.
  const root = trace.nodes.some((n) => n.id === trace.root) ? trace.root : rootId;
  const graph = toLineageGraph(trace, root, direction);
  const staleness = toStaleness(data.staleness);
  const kinds = staleKindsByRun(staleness);
  return {
    ...graph,
    staleness,
    nodes: graph.nodes.map((n) => {
      const k = n.runId === undefined ? undefined : kinds.get(n.runId);
      return k ? { ...n, staleKinds: k } : n;
    }),
  };
}

/** Upstream of an output (as it stood at `asOf`, or now); null when no output has that name. */
export function fetchTrace(outputId: string, maxDepth: number, asOf?: string): Promise<LineageGraph | null> {
  return fetchLineage(
    'trace',
    { outputId, staleId: `io:${outputId}`, maxDepth, asOf: asOfVariable(asOf) },
    'upstream',
    `io:${outputId}`,
  );
}

/** The server's id for what `impact ID` names: a number is a run, anything else an output. */
export function impactId(id: string): string {
  return /^\d+$/.test(id) ? `run:${id}` : `io:${id}`;
}

/** Downstream of a run or an output (as it stood at `asOf`, or now); null when it does not exist. */
export function fetchImpact(id: string, maxDepth: number, asOf?: string): Promise<LineageGraph | null> {
  return fetchLineage('impact', { id: impactId(id), maxDepth, asOf: asOfVariable(asOf) }, 'downstream', impactId(id));
}

export async function fetchReview(rank: Rank, limit = 50, asOf?: string): Promise<Review> {
  const data = await gql<{
    review: {
      asOf: string | null;
      note: string | null;
      flaggedOutputs: string[];
      culprits: { run: RawRun; ef: number; ep: number; coverage: number; ochiai: number; score: number }[];
    };
  }>(
    `query Review($rank: ReviewRank!, $limit: Int!, $asOf: DateTime) {
       review(rank: $rank, limit: $limit, asOf: $asOf) {
         asOf note flaggedOutputs
         culprits { ef ep coverage ochiai score run { ${SUMMARY_FIELDS} } } } }`,
    { rank: rank.toUpperCase(), limit, asOf: asOfVariable(asOf) },
  );
  return {
    asOf: data.review.asOf,
    note: data.review.note,
    flagged: data.review.flaggedOutputs.map((name) => ({ name, value: null, pointerType: 'UNKNOWN', flag: true })),
    culprits: data.review.culprits.map((c) => ({ ...c, run: toRunSummary(c.run) })),
  };
}

/** Set or clear the flag of one output; null when no output has that name. */
export async function setFlag(outputId: string, flag: boolean): Promise<Pointer | null> {
  const field = flag ? 'flag' : 'unflag';
  const data = await gql<{ result: Union<{ outputs: Pointer[] }> }>(
    `mutation Flag($outputIds: [String!]!) {
       result: ${field}(outputIds: $outputIds) {
         __typename ... on FlagSuccess { outputs { ${POINTER_FIELDS} } } ... on NotFound { message } } }`,
    { outputIds: [outputId] },
  );
  if (data.result.__typename !== 'FlagSuccess') return null;
  return (data.result as { outputs: Pointer[] }).outputs.find((p) => p.name === outputId) ?? null;
}

export async function saveNotes(runId: number, notes: string): Promise<void> {
  const data = await gql<{ result: Union<{ id: number }> }>(
    `mutation Notes($runId: Int!, $notes: String!) {
       result: addNotes(runId: $runId, notes: $notes) {
         __typename ... on Run { id } ... on NotFound { message } ... on InvalidInput { message } } }`,
    { runId, notes },
  );
  if (data.result.__typename !== 'Run') throw new ApiError((data.result as { message: string }).message);
}

/** Names for the command bar's autocomplete, in one round trip. */
export async function fetchCatalog(): Promise<{ components: string[]; runIds: number[]; outputs: string[]; tags: string[] }> {
  const data = await gql<{
    components: { name: string }[];
    tags: string[];
    runs: { runs: { id: number }[] };
    ioPointers: { name: string }[];
  }>(`query Catalog { components { name } tags runs(first: 100) { runs { id } } ioPointers(first: 500) { name } }`);
  return {
    components: data.components.map((c) => c.name).sort(),
    runIds: data.runs.runs.map((r) => r.id),
    outputs: data.ioPointers.map((p) => p.name).sort((a, b) => a.localeCompare(b, undefined, { numeric: true })),
    tags: [...data.tags].sort(),
  };
}

/** Output ids starting with `prefix`, for the command bar's completions. */
export async function fetchOutputIds(prefix: string, first = 20): Promise<string[]> {
  const data = await gql<{ ioPointers: { name: string }[] }>(
    `query OutputIds($prefix: String!, $first: Int!) { ioPointers(prefix: $prefix, first: $first) { name } }`,
    { prefix, first },
  );
  return data.ioPointers.map((p) => p.name);
}

/** How far up each trace the diff view draws; the server's node cap bounds it too. */
export const DIFF_DEPTH = 50;

const DIFF_RUN = `id componentName startTimestamp status stale`;

interface RawTraceDiff extends Omit<TraceDiff, 'pairs' | 'onlyInA' | 'onlyInB'> {
  pairs: (Omit<TraceDiff['pairs'][number], 'a' | 'b'> & { a: RawRun; b: RawRun })[];
  onlyInA: RawRun[];
  onlyInB: RawRun[];
}

export type DiffAnswer =
  | { found: true; diff: TraceDiff; a: LineageGraph; b: LineageGraph }
  | { found: false; message: string };

/**
 * The trace diff of outputs `a` and `b` and both traces (to draw them merged), in one request.
 * An unknown output is `found: false` with the server's message naming it.
 */
export async function fetchDiff(a: string, b: string, asOf?: string): Promise<DiffAnswer> {
  const data = await gql<{ diff: Union<RawTraceDiff>; traceA: Union<RawTrace>; traceB: Union<RawTrace> }>(
    `query Diff($a: String!, $b: String!, $maxDepth: Int!, $asOf: DateTime) {
       diff: traceDiff(a: $a, b: $b, asOf: $asOf) {
         __typename
         ... on TraceDiff { a b identical summary
           pairs { component position same a { ${DIFF_RUN} } b { ${DIFF_RUN} } changes { field a b } }
           onlyInA { ${DIFF_RUN} } onlyInB { ${DIFF_RUN} }
           firstDivergences { component aRunId bRunId reason } }
         ... on NotFound { message }
         ... on InvalidInput { message field } }
       traceA: trace(outputId: $a, maxDepth: $maxDepth, asOf: $asOf) { ${TRACE_FIELDS} }
       traceB: trace(outputId: $b, maxDepth: $maxDepth, asOf: $asOf) { ${TRACE_FIELDS} } }`,
    { a, b, maxDepth: DIFF_DEPTH, asOf: asOfVariable(asOf) },
  );
  const { diff, traceA, traceB } = data;
  if (diff.__typename === 'NotFound') return { found: false, message: (diff as { message: string }).message };
  if (diff.__typename === 'InvalidInput') throw new ApiError((diff as { message: string }).message);
  if (traceA.__typename !== 'TraceGraph' || traceB.__typename !== 'TraceGraph') {
    const missing = traceA.__typename !== 'TraceGraph' ? traceA : traceB;
    return { found: false, message: (missing as { message?: string }).message ?? 'No such output' };
  }
  const raw = diff as RawTraceDiff;
  const rootOf = (t: RawTrace, name: string): string => (t.nodes.some((n) => n.id === t.root) ? t.root : `io:${name}`);
  return {
    found: true,
    diff: {
      ...raw,
      pairs: raw.pairs.map((p) => ({ ...p, a: toRunSummary(p.a), b: toRunSummary(p.b) })),
      onlyInA: raw.onlyInA.map(toRunSummary),
      onlyInB: raw.onlyInB.map(toRunSummary),
    },
    a: toLineageGraph(traceA as RawTrace, rootOf(traceA as RawTrace, a), 'upstream'),
    b: toLineageGraph(traceB as RawTrace, rootOf(traceB as RawTrace, b), 'upstream'),
  };
}

/**
 * Staleness of each of these runs (as of `asOf`), in one request of aliased fields: the review
 * shows it beside each suspect. A run the server cannot report on maps to null.
 */
export async function fetchRunStaleness(runIds: number[], asOf?: string): Promise<Map<number, StalenessReport | null>> {
  if (runIds.length === 0) return new Map();
  // Ids go in as variables ($r0, $r1, ...), never into the query text.
  const params = runIds.map((_, i) => `$r${i}: String!`).join(', ');
  const fields = runIds.map((_, i) => `s${i}: staleness(id: $r${i}, asOf: $asOf) { ${STALENESS_FIELDS} }`).join('\n');
  const variables: Record<string, unknown> = { asOf: asOfVariable(asOf) };
  runIds.forEach((id, i) => (variables[`r${i}`] = `run:${id}`));
  const data = await gql<Record<string, RawStaleness>>(`query SuspectStaleness(${params}, $asOf: DateTime) { ${fields} }`, variables);
  return new Map(runIds.map((id, i) => [id, toStaleness(data[`s${i}`])]));
}
