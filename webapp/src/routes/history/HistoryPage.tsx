import { fetchHistory } from '../../api/operations';
import { useLoad } from '../../api/hooks';
import { RunTable } from '../../components/RunTable';
import { Empty, ErrorState, Loading, NotFound } from '../../components/States';
import { href } from '../../navigation';

export function HistoryPage({ component, limit }: { component: string; limit: number | null }) {
  const n = limit ?? 10;
  const [result, reload] = useLoad(`${component}/${n}`, () => fetchHistory(component, n));
  return (
    <div className="page">
      <h1>
        History of <span className="component">{component}</span>
      </h1>
      <p className="muted">
        The last {n} runs.{' '}
        <a href={href({ view: 'history', component, limit: n * 2 })}>Show {n * 2}</a>
      </p>
      {result.state === 'loading' && <Loading what="history" />}
      {result.state === 'error' && <ErrorState error={result.error} onRetry={reload} />}
      {result.state === 'ok' && result.data === null && (
        <NotFound what={`No component named "${component}"`} hint={<p>Type `components` to list them.</p>} />
      )}
      {result.state === 'ok' && result.data?.length === 0 && <Empty title="This component has no runs yet" />}
      {result.state === 'ok' && result.data && result.data.length > 0 && <RunTable runs={result.data} />}
    </div>
  );
}
