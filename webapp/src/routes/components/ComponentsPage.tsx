import { fetchComponents } from '../../api/operations';
import { useLoad } from '../../api/hooks';
import { Empty, ErrorState, Loading } from '../../components/States';
import { href } from '../../navigation';

/** Every component, or those with one tag (the `tag TAG` command). */
export function ComponentsPage({ tag }: { tag: string | null }) {
  const [result, reload] = useLoad(tag ?? '', () => fetchComponents(tag));
  return (
    <div className="page">
      <h1>{tag ? `Components tagged "${tag}"` : 'Components'}</h1>
      {result.state === 'loading' && <Loading what="components" />}
      {result.state === 'error' && <ErrorState error={result.error} onRetry={reload} />}
      {result.state === 'ok' && result.data.length === 0 && (
        <Empty title={tag ? `No component is tagged "${tag}"` : 'No components yet'}>
          <p>Type `components` to list every component.</p>
        </Empty>
      )}
      {result.state === 'ok' && result.data.length > 0 && (
        <table className="runs" data-testid="component-table">
          <thead>
            <tr>
              <th>Component</th>
              <th>Owner</th>
              <th>Description</th>
              <th>Tags</th>
              <th>Runs</th>
              <th>Last run</th>
            </tr>
          </thead>
          <tbody>
            {result.data.map((c) => (
              <tr key={c.name} data-testid="component-row">
                <td>
                  <a href={href({ view: 'history', component: c.name, limit: null })}>{c.name}</a>
                </td>
                <td>{c.owner ?? '—'}</td>
                <td>{c.description ?? ''}</td>
                <td>
                  {c.tags.map((t) => (
                    <a key={t} className="tag" href={href({ view: 'tag', tag: t })}>
                      {t}
                    </a>
                  ))}
                </td>
                <td>{c.runCount}</td>
                <td>
                  {c.lastRunId !== null ? (
                    <a href={href({ view: 'run', runId: c.lastRunId })}>
                      {c.lastRunId}
                      {c.lastRunStart ? ` · ${new Date(c.lastRunStart).toLocaleString()}` : ''}
                    </a>
                  ) : (
                    '—'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
