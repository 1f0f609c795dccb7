/**
 * Staleness at query time in the UI: the kind badges, the "what is stale" panel with the
 * re-run plan (trace view), and the compact cell beside each suspect (review).
 */
import { kindsOf, STALE_KIND_LABEL, STALE_KINDS } from '../api/staleness';
import type { StaleReason, StalenessReport } from '../api/types';
import type { LegendItem } from '../graph/Legend';
import { href } from '../navigation';

export function KindBadge({ kind }: { kind: StaleReason['kind'] }) {
  return (
    <span className={`mark stale-${kind.toLowerCase()}`} title={STALE_KIND_LABEL[kind]}>
      {kind}
    </span>
  );
}

function Reason({ reason }: { reason: StaleReason }) {
  return (
    <p className="reason" data-testid="stale-reason">
      <KindBadge kind={reason.kind} /> {reason.message}
      {reason.rootCauseIds.length > 0 && (
        <span className="muted">
          {' '}
          (root cause{reason.rootCauseIds.length === 1 ? '' : 's'}:{' '}
          {reason.rootCauseIds.map((id, i) => (
            <span key={id}>
              {i > 0 && ', '}
              <a href={href({ view: 'run', runId: id })}>run {id}</a>
            </span>
          ))}
          )
        </span>
      )}
    </p>
  );
}

/** Legend items for the kinds present in a report, with how many runs show each. */
export function staleLegend(report: StalenessReport | null | undefined): LegendItem[] {
  const counts = new Map<string, number>();
  for (const run of report?.runs ?? []) for (const kind of kindsOf(run.reasons)) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return STALE_KINDS.filter((k) => counts.has(k)).map((k) => ({
    swatch: `stale-${k.toLowerCase()}`,
    label: STALE_KIND_LABEL[k],
    count: counts.get(k),
  }));
}

/** "What is stale": the re-run plan first (what to do), then every stale run with its reasons. */
export function StalePanel({ report, onClose }: { report: StalenessReport; onClose: () => void }) {
  const stale = report.runs.filter((r) => r.reasons.length > 0);
  return (
    <aside className="node-panel stale-panel" data-testid="stale-panel">
      <div className="row">
        <h2>What is stale</h2>
        <button type="button" onClick={onClose} aria-label="Close">
          ✕
        </button>
      </div>
      {report.fresh ? (
        <p data-testid="stale-fresh">Fresh: nothing behind {report.target} is stale, so there is nothing to re-run.</p>
      ) : (
        <>
          <h3>Re-run plan</h3>
          <p className="muted">Re-run these components in this order to make {report.target} fresh.</p>
          <ol data-testid="stale-plan">
            {report.plan.map((step) => (
              <li key={step.order} data-testid="plan-step">
                <strong>{step.component}</strong>{' '}
                <span className="muted">
                  (replaces <a href={href({ view: 'run', runId: step.runId })}>run {step.runId}</a>)
                </span>
                {step.reasons.map((r) => (
                  <Reason key={`${r.kind}/${r.message}`} reason={r} />
                ))}
              </li>
            ))}
          </ol>
          <h3>Stale runs ({stale.length})</h3>
          <ul className="pointers">
            {stale.map((run) => (
              <li key={run.runId} data-testid="stale-run">
                <div>
                  <a href={href({ view: 'run', runId: run.runId })}>
                    {run.componentName} #{run.runId}
                  </a>
                  {run.reasons.map((r) => (
                    <Reason key={`${r.kind}/${r.message}`} reason={r} />
                  ))}
                </div>
              </li>
            ))}
          </ul>
        </>
      )}
    </aside>
  );
}

/** Beside a suspect in the review: its kinds (the messages as a tooltip), "fresh", or "…" while loading. */
export function StaleCell({
  report,
  runId,
  loading,
}: {
  report: StalenessReport | null | undefined;
  runId: number;
  loading: boolean;
}) {
  if (loading) return <span className="muted">…</span>;
  if (!report) return <span className="muted">unknown</span>;
  // The suspect's own reasons; when it has none listed, those of the plan behind it.
  const own = report.runs.find((r) => r.runId === runId)?.reasons ?? [];
  const reasons = own.length ? own : report.plan.flatMap((p) => p.reasons);
  if (report.fresh || reasons.length === 0) return <span className="muted" data-testid="suspect-fresh">fresh</span>;
  return (
    <span className="stale-cell" data-testid="suspect-stale" title={reasons.map((r) => `${r.kind}: ${r.message}`).join('\n')}>
      {kindsOf(reasons).map((k) => (
        <KindBadge key={k} kind={k} />
      ))}
    </span>
  );
}
