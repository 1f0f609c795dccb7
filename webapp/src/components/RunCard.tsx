import { useState } from 'react';
import { fetchCodeSnapshot, saveNotes, setFlag } from '../api/operations';
import { formatDuration } from '../api/shape';
import type { FlagEvent, Pointer, Run } from '../api/types';
import { href } from '../navigation';

function Timestamp({ value }: { value: string | null }) {
  if (!value) return <span className="muted">unknown</span>;
  const date = new Date(value);
  return <time dateTime={value}>{Number.isNaN(date.getTime()) ? value : date.toLocaleString()}</time>;
}

export function FlagToggle({ pointer, onChange }: { pointer: Pointer; onChange?: (p: Pointer) => void }) {
  const [flag, setFlagState] = useState(pointer.flag);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const toggle = (): void => {
    setBusy(true);
    setError(null);
    setFlag(pointer.name, !flag).then(
      (updated) => {
        setBusy(false);
        const next = updated?.flag ?? !flag;
        setFlagState(next);
        onChange?.({ ...pointer, flag: next });
      },
      (e: unknown) => {
        setBusy(false);
        setError(e instanceof Error ? e.message : String(e));
      },
    );
  };
  return (
    <>
      <button
        type="button"
        className={flag ? 'flag-toggle flagged' : 'flag-toggle'}
        aria-pressed={flag}
        aria-label={`${flag ? 'Unflag' : 'Flag'} ${pointer.name}`}
        title={flag ? 'Flagged as wrong: click to unflag' : 'Click to flag as wrong'}
        disabled={busy}
        onClick={toggle}
      >
        {flag ? '⚑ flagged' : '⚐ flag'}
      </button>
      {error && <span className="inline-error">{error}</span>}
    </>
  );
}

function PointerList({ title, pointers }: { title: string; pointers: Pointer[] }) {
  return (
    <section>
      <h3>{title}</h3>
      {pointers.length === 0 ? (
        <p className="muted">none</p>
      ) : (
        <ul className="pointers">
          {pointers.map((p) => (
            <li key={p.name} data-testid="pointer">
              <span className={`kind-badge kind-${p.pointerType.toLowerCase()}`}>{p.pointerType.toLowerCase()}</span>
              <a href={href({ view: 'trace', outputId: p.name, depth: null })} title="Trace this">
                {p.name}
              </a>
              <FlagToggle pointer={p} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function KeyValues({ title, values }: { title: string; values: Record<string, unknown> }) {
  const entries = Object.entries(values);
  return (
    <section>
      <h3>{title}</h3>
      {entries.length === 0 ? (
        <p className="muted">none</p>
      ) : (
        <dl className="kv">
          {entries.map(([key, value]) => (
            <div key={key}>
              <dt>{key}</dt>
              <dd>{typeof value === 'string' ? value : JSON.stringify(value)}</dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}

/** The audit trail of flags on the run's outputs, newest first: who flagged what, and when. */
function FlagTrail({ events }: { events: FlagEvent[] }) {
  return (
    <section>
      <h3>Flag history</h3>
      {events.length === 0 ? (
        <p className="muted">No flag has been set or cleared on these outputs.</p>
      ) : (
        <ol className="flag-trail" data-testid="flag-trail">
          {events.map((e) => (
            <li key={`${e.at}/${e.output}/${String(e.flagged)}`} data-testid="flag-event">
              <Timestamp value={e.at} /> <span className={e.flagged ? 'flag-mark' : 'muted'}>{e.flagged ? '⚑ flagged' : '⚐ unflagged'}</span>{' '}
              <a href={href({ view: 'trace', outputId: e.output, depth: null })}>{e.output}</a> <span className="muted">by {e.by}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function Notes({ run }: { run: Run }) {
  const [text, setText] = useState(run.notes);
  const [state, setState] = useState<'idle' | 'saving' | 'saved' | string>('idle');
  return (
    <section>
      <h3>Notes</h3>
      <textarea aria-label="Notes" value={text} rows={3} onChange={(e) => setText(e.target.value)} />
      <div className="row">
        <button
          type="button"
          disabled={state === 'saving' || text === run.notes}
          onClick={() => {
            setState('saving');
            saveNotes(run.id, text).then(
              () => setState('saved'),
              (e: unknown) => setState(e instanceof Error ? e.message : String(e)),
            );
          }}
        >
          Save notes
        </button>
        {state === 'saved' && <span className="muted">saved</span>}
        {state !== 'idle' && state !== 'saving' && state !== 'saved' && <span className="inline-error">{state}</span>}
      </div>
    </section>
  );
}

function CodeSnapshot({ runId }: { runId: number }) {
  const [code, setCode] = useState<string | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  if (code === undefined) {
    return (
      <section>
        <button
          type="button"
          onClick={() =>
            fetchCodeSnapshot(runId).then(setCode, (e: unknown) => setError(e instanceof Error ? e.message : String(e)))
          }
        >
          Show code snapshot
        </button>
        {error && <span className="inline-error">{error}</span>}
      </section>
    );
  }
  return (
    <section>
      <h3>Code snapshot</h3>
      {code ? <pre className="code">{code}</pre> : <p className="muted">No code snapshot was logged for this run.</p>}
    </section>
  );
}

function isEmpty(value: unknown): boolean {
  if (value == null || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value).length === 0;
}

/** Everything about one run, as mltrace's `inspect` showed it, with flags and notes editable. */
export function RunCard({ run, compact = false }: { run: Run; compact?: boolean }) {
  const duration = formatDuration(run.startTimestamp, run.endTimestamp);
  return (
    <article className={compact ? 'run-card compact' : 'run-card'} data-testid="run-card">
      <header>
        <h2>
          <a href={href({ view: 'run', runId: run.id })}>Run {run.id}</a>{' '}
          <a className="component" href={href({ view: 'history', component: run.componentName, limit: null })}>
            {run.componentName}
          </a>
        </h2>
        <span className={`status status-${run.status}`}>{run.status}</span>
        <a className="button" href={href({ view: 'impact', id: String(run.id), depth: null })}>
          Impact
        </a>
      </header>
      {run.stale.length > 0 && (
        <ul className="stale-warnings" data-testid="stale-warnings">
          {run.stale.map((s) => (
            <li key={s}>⚠ {s}</li>
          ))}
        </ul>
      )}
      <dl className="facts">
        <div>
          <dt>Owner</dt>
          <dd>{run.owner ?? <span className="muted">unknown</span>}</dd>
        </div>
        <div>
          <dt>Start</dt>
          <dd>
            <Timestamp value={run.startTimestamp} />
          </dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd>{duration ?? <span className="muted">unknown</span>}</dd>
        </div>
        <div>
          <dt>Git commit</dt>
          <dd>
            {run.gitHash ? <code>{run.gitHash.slice(0, 12)}</code> : <span className="muted">none</span>}
            {run.gitTags.map((t) => (
              <span key={t} className="tag">
                {t}
              </span>
            ))}
          </dd>
        </div>
        <div>
          <dt>Depends on</dt>
          <dd>
            {run.dependencyIds.length === 0 ? (
              <span className="muted">nothing</span>
            ) : (
              run.dependencyIds.map((id) => (
                <a key={id} className="dep" href={href({ view: 'run', runId: id })}>
                  {id}
                </a>
              ))
            )}
          </dd>
        </div>
      </dl>
      <div className="columns">
        <PointerList title="Inputs" pointers={run.inputs} />
        <PointerList title="Outputs" pointers={run.outputs} />
      </div>
      {!compact && (
        <>
          <div className="columns">
            <KeyValues title="Params" values={run.params} />
            <KeyValues title="Metrics" values={run.metrics} />
          </div>
          <section>
            <h3>Test results</h3>
            {isEmpty(run.testResults) ? (
              <p className="muted">none</p>
            ) : (
              <pre className="code">{JSON.stringify(run.testResults, null, 2)}</pre>
            )}
          </section>
          <FlagTrail events={run.flagEvents} />
          <Notes key={run.id} run={run} />
          <CodeSnapshot runId={run.id} />
        </>
      )}
    </article>
  );
}
