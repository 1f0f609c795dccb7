import { useCallback, useEffect, useRef, useState } from 'react';
import { fetchRecent } from '../../api/operations';
import type { RunSummary } from '../../api/types';
import { RunTable } from '../../components/RunTable';
import { Empty, ErrorState, Loading } from '../../components/States';

/** Recent runs, newest first; the next page loads when the end of the list scrolls into view. */
export function RecentPage() {
  const [runs, setRuns] = useState<RunSummary[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const sentinel = useRef<HTMLDivElement>(null);
  const busy = useRef(false);

  const loadMore = useCallback(() => {
    if (busy.current || done) return;
    busy.current = true;
    setLoading(true);
    fetchRecent(cursor).then(
      (page) => {
        setRuns((old) => [...old, ...page.items.filter((r) => !old.some((o) => o.id === r.id))]);
        setCursor(page.nextCursor);
        setDone(page.nextCursor === null);
        setError(null);
        setLoading(false);
        busy.current = false;
      },
      (e: unknown) => {
        setError(e instanceof Error ? e : new Error(String(e)));
        setLoading(false);
        busy.current = false;
      },
    );
  }, [cursor, done]);

  useEffect(() => {
    const node = sentinel.current;
    if (!node || error) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) loadMore();
    });
    observer.observe(node);
    return () => observer.disconnect();
  }, [loadMore, error]);

  return (
    <div className="page">
      <h1>Recent runs</h1>
      {runs.length > 0 && <RunTable runs={runs} />}
      {error && <ErrorState error={error} onRetry={loadMore} />}
      {!error && done && runs.length === 0 && (
        <Empty title="No runs yet">
          <p>
            Log a run with the Python client, or load the example pipeline with <code>mltrace-graph demo</code>.
          </p>
        </Empty>
      )}
      {loading && <Loading what="runs" />}
      {!done && !error && (
        <div ref={sentinel} className="sentinel">
          <button type="button" onClick={loadMore} disabled={loading}>
            Load more
          </button>
        </div>
      )}
      {done && runs.length > 0 && <p className="muted end">That is every run ({runs.length}).</p>}
    </div>
  );
}
