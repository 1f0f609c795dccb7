import { fetchReview, fetchRunStaleness } from '../../api/operations';
import type { CulpritRow, Review } from '../../api/types';
import { useLoad } from '../../api/hooks';
import { FlagToggle } from '../../components/RunCard';
import { Empty, ErrorState, Loading } from '../../components/States';
import { StaleCell } from '../../components/Staleness';
import { TimeControl } from '../../components/TimeControl';
import { href, navigate } from '../../navigation';
import type { Rank } from '../../routes';

function why(ef: number, ep: number, total: number): string {
  const feeds = `feeds ${ef} of the ${total} flagged output${total === 1 ? '' : 's'}`;
  return ep === 0 ? `${feeds} and no unflagged one` : `${feeds}, and ${ep} unflagged output${ep === 1 ? '' : 's'}`;
}

/**
 * Triage: what is flagged, and which runs are most likely behind it; as of a moment, with the
 * flags as they were then.
 */
export function ReviewPage({ rank, asOf }: { rank: Rank; asOf?: string }) {
  const [result, reload] = useLoad(`${rank}/${asOf ?? 'now'}`, () => fetchReview(rank, 50, asOf));
  const moment = asOf ? { asOf } : {};
  return (
    <div className="page">
      <h1>Review</h1>
      <TimeControl asOf={asOf} onChange={(next) => navigate({ view: 'review', rank, ...(next ? { asOf: next } : {}) })} />
      <div className="segmented" role="group" aria-label="Rank by">
        <a className={rank === 'coverage' ? 'active' : undefined} href={href({ view: 'review', rank: 'coverage', ...moment })}>
          Coverage
        </a>
        <a className={rank === 'ochiai' ? 'active' : undefined} href={href({ view: 'review', rank: 'ochiai', ...moment })}>
          Ochiai
        </a>
      </div>
      <p className="muted">
        {rank === 'coverage'
          ? 'Coverage: the share of flagged outputs a run fed. It also blames runs that feed everything.'
          : 'Ochiai: ef / √(F · (ef + ep)) — high when a run fed the flagged outputs and few unflagged ones.'}
      </p>
      {result.state === 'loading' && <Loading what="the review" />}
      {result.state === 'error' && <ErrorState error={result.error} onRetry={reload} />}
      {result.state === 'ok' && result.data.flagged.length === 0 && (
        <Empty title={asOf ? 'Nothing was flagged then' : 'Nothing is flagged'}>
          {result.data.note && <p data-testid="as-of-note">{result.data.note}</p>}
          <p>
            Flag an output that looks wrong with <code>flag OUTPUT_ID</code> or the flag button on a run card.
          </p>
        </Empty>
      )}
      {result.state === 'ok' && result.data.flagged.length > 0 && (
        <>
          <h2>Flagged outputs ({result.data.flagged.length})</h2>
          <ul className="pointers" data-testid="flagged-list">
            {result.data.flagged.map((p) => (
              <li key={p.name} data-testid="flagged-output">
                <a href={href({ view: 'trace', outputId: p.name, depth: null, ...moment })}>{p.name}</a>
                <a className="button small" href={href({ view: 'trace', outputId: p.name, depth: null, ...moment })}>
                  Trace
                </a>
                <FlagToggle pointer={p} />
              </li>
            ))}
          </ul>
          <h2>Runs most likely behind them</h2>
          <CulpritTable review={result.data} asOf={asOf} />
        </>
      )}
    </div>
  );
}

/** Suspects get their staleness this many at a time: one request of aliased fields. */
const STALENESS_ROWS = 20;

function CulpritTable({ review, asOf }: { review: Review; asOf: string | undefined }) {
  const moment = asOf ? { asOf } : {};
  const ids = review.culprits.slice(0, STALENESS_ROWS).map((c) => c.run.id);
  const [stale] = useLoad(`${ids.join(',')}/${asOf ?? 'now'}`, () => fetchRunStaleness(ids, asOf));
  const row = (c: CulpritRow) => (
    <tr key={c.run.id} data-testid="culprit-row">
      <td>
        <a href={href({ view: 'run', runId: c.run.id })}>{c.run.id}</a>
      </td>
      <td>{c.run.componentName}</td>
      <td>{c.ef}</td>
      <td>{c.ep}</td>
      <td>{(100 * c.coverage).toFixed(0)}%</td>
      <td>{c.ochiai.toFixed(3)}</td>
      <td className="muted">{why(c.ef, c.ep, review.flagged.length)}</td>
      <td data-testid="suspect-staleness">
        {ids.includes(c.run.id) ? (
          stale.state === 'error' ? (
            <span className="muted" title={stale.error.message}>
              unavailable
            </span>
          ) : (
            <StaleCell
              report={stale.state === 'ok' ? stale.data.get(c.run.id) : undefined}
              runId={c.run.id}
              loading={stale.state === 'loading'}
            />
          )
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td>
        <a className="button small" href={href({ view: 'impact', id: String(c.run.id), depth: null, ...moment })}>
          Impact
        </a>
      </td>
    </tr>
  );
  return (
    <table className="runs" data-testid="culprit-table">
      <thead>
        <tr>
          <th>Run</th>
          <th>Component</th>
          <th title="flagged outputs downstream">ef</th>
          <th title="unflagged outputs downstream">ep</th>
          <th>Coverage</th>
          <th>Ochiai</th>
          <th>Why</th>
          <th title="computed now (or as of the chosen moment): DATA, AGE, CODE, UPSTREAM">Staleness</th>
          <th />
        </tr>
      </thead>
      <tbody>{review.culprits.map(row)}</tbody>
    </table>
  );
}
