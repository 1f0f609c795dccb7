/**
 * `diff A B`: what differs between the lineage of two outputs (typically a good and a bad
 * prediction). One merged graph coloured by what the server's trace diff says about each node,
 * and beside it the first divergences (where to look first) and the differences per component.
 */
import { useMemo, useState, type ReactNode } from 'react';
import { fetchDiff, type DiffAnswer } from '../../api/operations';
import { useLoad } from '../../api/hooks';
import type { FieldChange, RunSummary, TraceDiff } from '../../api/types';
import { ErrorState, Loading, NotFound } from '../../components/States';
import { TimeControl } from '../../components/TimeControl';
import type { BoundGraph } from '../../graph/bound';
import { countStates, DIFF_LEGEND, mergeTraces } from '../../graph/diff';
import { Legend } from '../../graph/Legend';
import { LineageView } from '../../graph/LineageView';
import { runNodeId } from '../../graph/model';
import { href, navigate } from '../../navigation';

interface Props {
  a: string;
  b: string;
  asOf?: string;
  dark: boolean;
}

const NOTHING: ReadonlySet<string> = new Set();

export function DiffPage({ a, b, asOf, dark }: Props) {
  const key = `${a}/${b}/${asOf ?? 'now'}`;
  const [result, reload] = useLoad(key, () => fetchDiff(a, b, asOf));
  const time = (
    <TimeControl asOf={asOf} onChange={(next) => navigate({ view: 'diff', a, b, ...(next ? { asOf: next } : {}) })} />
  );
  return (
    <div className="page lineage-page diff-page">
      {result.state === 'loading' && <Loading what="the diff" />}
      {result.state === 'error' && <ErrorState error={result.error} onRetry={reload} />}
      {result.state === 'ok' && !result.data.found && (
        <NotFound what={result.data.message} hint={<p>Both outputs must exist; output ids autocomplete in the command bar.</p>} />
      )}
      {result.state === 'ok' && result.data.found && <LoadedDiff key={key} answer={result.data} time={time} dark={dark} />}
    </div>
  );
}

function LoadedDiff({ answer, time, dark }: { answer: Extract<DiffAnswer, { found: true }>; time: ReactNode; dark: boolean }) {
  const { diff } = answer;
  const merged = useMemo(() => mergeTraces(answer.a, answer.b, diff), [answer, diff]);
  const graph: BoundGraph = useMemo(() => ({ ...merged, hiddenCount: 0, expandable: new Set() }), [merged]);
  const counts = useMemo(() => countStates(merged), [merged]);
  // A click picks a run's differences in the panel; the graph keeps every colour visible
  // (lighting the node up would dim the rest, and the colours are the point here).
  const [selected, setSelected] = useState<string | null>(null);
  return (
    <>
      <div className="graph-toolbar">
        <h1>
          Diff of <span title={diff.a}>A</span> and <span title={diff.b}>B</span>
        </h1>
      </div>
      <p className="diff-sides muted">
        A = <a href={href({ view: 'trace', outputId: diff.a, depth: null })}>{diff.a}</a>, B ={' '}
        <a href={href({ view: 'trace', outputId: diff.b, depth: null })}>{diff.b}</a>
      </p>
      {time}
      <div className={diff.identical ? 'graph-notice' : 'graph-notice partial'} data-testid="diff-summary">
        {diff.identical ? `Identical: ${diff.summary}` : diff.summary}
      </div>
      <Legend
        title="Diff colours"
        items={DIFF_LEGEND.map(({ state, label }) => ({ swatch: `diff-${state}`, label, count: counts[state] }))}
      />
      <div className="graph-area">
        <LineageView
          graph={graph}
          lit={NOTHING}
          litEdges={NOTHING}
          focus={null}
          onNodeClick={(id) => setSelected((s) => (s === id ? null : id))}
          dark={dark}
        />
        <DiffPanel diff={diff} selected={selected} onSelect={setSelected} />
      </div>
    </>
  );
}

function value(v: unknown): string {
  if (v === null || v === undefined) return '—';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function RunLink({ run }: { run: Pick<RunSummary, 'id'> }) {
  return <a href={href({ view: 'run', runId: run.id })}>run {run.id}</a>;
}

function Changes({ changes }: { changes: FieldChange[] }) {
  return (
    <table className="changes">
      <thead>
        <tr>
          <th>Field</th>
          <th>A</th>
          <th>B</th>
        </tr>
      </thead>
      <tbody>
        {changes.map((c) => (
          <tr key={c.field} data-testid="field-change">
            <td>
              <code>{c.field}</code>
            </td>
            <td>{value(c.a)}</td>
            <td>{value(c.b)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function OneSide({ title, runs, testId }: { title: string; runs: RunSummary[]; testId: string }) {
  if (runs.length === 0) return null;
  return (
    <section>
      <h3>{title}</h3>
      <ul className="pointers">
        {runs.map((r) => (
          <li key={r.id} data-testid={testId}>
            {r.componentName} <RunLink run={r} />
          </li>
        ))}
      </ul>
    </section>
  );
}

/** First divergences on top, then every aligned pair that differs, then the one-side runs. */
function DiffPanel({ diff, selected, onSelect }: { diff: TraceDiff; selected: string | null; onSelect: (id: string | null) => void }) {
  const differing = diff.pairs.filter((p) => !p.same);
  const same = diff.pairs.length - differing.length;
  return (
    <aside className="node-panel diff-panel" data-testid="diff-panel">
      {diff.identical ? (
        <p>A and B came out of the same runs: there is nothing to compare.</p>
      ) : (
        <>
          <h2>Where to look first</h2>
          {diff.firstDivergences.length === 0 ? (
            <p className="muted">No aligned component differs; the traces differ only in runs one side has.</p>
          ) : (
            <ol className="divergences">
              {diff.firstDivergences.map((d) => (
                <li key={`${d.aRunId}/${d.bRunId}`} data-testid="first-divergence">
                  <strong>{d.component}</strong>: {d.reason}{' '}
                  <span className="muted">
                    (<RunLink run={{ id: d.aRunId }} /> vs <RunLink run={{ id: d.bRunId }} />)
                  </span>
                </li>
              ))}
            </ol>
          )}
          <h2>Differences per component</h2>
          {differing.map((p) => {
            const ids = [runNodeId(p.a.id), runNodeId(p.b.id)];
            const isSelected = selected !== null && ids.includes(selected);
            return (
              <section key={`${p.a.id}/${p.b.id}`} className={isSelected ? 'pair selected' : 'pair'} data-testid="pair-diff">
                <h3>
                  <button type="button" className="linkish" onClick={() => onSelect(isSelected ? null : ids[1] ?? null)}>
                    {p.component}
                  </button>{' '}
                  <span className="muted">{p.position}</span>
                </h3>
                <p className="muted">
                  A: <RunLink run={p.a} />, B: <RunLink run={p.b} />
                </p>
                {p.changes.length ? <Changes changes={p.changes} /> : <p className="muted">Different runs, same recorded fields.</p>}
              </section>
            );
          })}
          {same > 0 && (
            <p className="muted">
              {same} component{same === 1 ? ' is' : 's are'} the same run in both.
            </p>
          )}
          <OneSide title="Only in A" runs={diff.onlyInA} testId="only-in-a" />
          <OneSide title="Only in B" runs={diff.onlyInB} testId="only-in-b" />
        </>
      )}
    </aside>
  );
}
