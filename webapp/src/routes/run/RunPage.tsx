import { fetchRun } from '../../api/operations';
import { useLoad } from '../../api/hooks';
import { RunCard } from '../../components/RunCard';
import { ErrorState, Loading, NotFound } from '../../components/States';

export function RunPage({ runId }: { runId: number }) {
  const [result, reload] = useLoad(String(runId), () => fetchRun(runId));
  return (
    <div className="page">
      {result.state === 'loading' && <Loading what={`run ${runId}`} />}
      {result.state === 'error' && <ErrorState error={result.error} onRetry={reload} />}
      {result.state === 'ok' && result.data === null && <NotFound what={`No run ${runId}`} />}
      {result.state === 'ok' && result.data && <RunCard run={result.data} />}
    </div>
  );
}
