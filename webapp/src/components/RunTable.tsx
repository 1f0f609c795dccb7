import { formatDuration } from '../api/shape';
import type { RunSummary } from '../api/types';
import { href } from '../navigation';

/** Runs as rows; each links to its card. */
export function RunTable({ runs }: { runs: RunSummary[] }) {
  return (
    <table className="runs" data-testid="run-table">
      <thead>
        <tr>
          <th>Run</th>
          <th>Component</th>
          <th>Started</th>
          <th>Duration</th>
          <th>Status</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((run) => (
          <tr key={run.id} data-testid="run-row">
            <td>
              <a href={href({ view: 'run', runId: run.id })}>{run.id}</a>
            </td>
            <td>
              <a href={href({ view: 'history', component: run.componentName, limit: null })}>{run.componentName}</a>
            </td>
            <td>{run.startTimestamp ? new Date(run.startTimestamp).toLocaleString() : '—'}</td>
            <td>{formatDuration(run.startTimestamp, run.endTimestamp) ?? '—'}</td>
            <td>
              <span className={`status status-${run.status}`}>{run.status}</span>
              {run.stale.length > 0 && (
                <span className="stale-mark" title={run.stale.join('\n')}>
                  ⚠ stale
                </span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
