import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { fetchImpact, fetchRun, fetchTrace } from '../../api/operations';
import { useLoad } from '../../api/hooks';
import type { Pointer } from '../../api/types';
import { FlagToggle, RunCard } from '../../components/RunCard';
import { Empty, ErrorState, Loading, NotFound } from '../../components/States';
import { staleLegend, StalePanel } from '../../components/Staleness';
import { TimeControl } from '../../components/TimeControl';
import { Legend } from '../../graph/Legend';
import { boundGraph, describeBounds, expandStep, searchNodes } from '../../graph/bound';
import { LineageView } from '../../graph/LineageView';
import type { LineageGraph, LineageNode } from '../../graph/model';
import { findPath } from '../../graph/path';
import { href, navigate } from '../../navigation';
import type { Route } from '../../routes';

export const DEFAULT_DEPTH = 3;
const FAN_OUT_CAP = 12;

interface Props {
  mode: 'trace' | 'impact';
  id: string;
  depth: number | null;
  /** The moment to show the graph as of (the URL's `asOf`); absent for now. */
  asOf?: string;
  dark: boolean;
}

/** The route that shows this page with other settings; the back button undoes each change. */
function lineageRoute(mode: 'trace' | 'impact', id: string, depth: number | null, asOf: string | undefined): Route {
  const moment = asOf ? { asOf } : {};
  return mode === 'trace' ? { view: 'trace', outputId: id, depth, ...moment } : { view: 'impact', id, depth, ...moment };
}

/** `trace OUTPUT_ID` and `impact ID`: fetch the bounded graph, draw it, and explain what is left out. */
export function LineagePage({ mode, id, depth, asOf, dark }: Props) {
  const d = depth ?? DEFAULT_DEPTH;
  const key = `${mode}/${id}/${d}/${asOf ?? 'now'}`;
  const [result, reload] = useLoad(key, () => (mode === 'trace' ? fetchTrace(id, d, asOf) : fetchImpact(id, d, asOf)));
  const title = mode === 'trace' ? `Trace of ${id}` : `Impact of ${/^\d+$/.test(id) ? `run ${id}` : id}`;
  const time = <TimeControl asOf={asOf} onChange={(next) => navigate(lineageRoute(mode, id, depth, next))} />;
  return (
    <div className="page lineage-page">
      {result.state === 'loading' && <Loading what="the lineage" />}
      {result.state === 'error' && <ErrorState error={result.error} onRetry={reload} />}
      {result.state === 'ok' && result.data === null && (
        <>
          {asOf && time}
          <NotFound
            what={mode === 'trace' ? `No output named "${id}"` : `No run or output "${id}"`}
            hint={<p>Output ids autocomplete in the command bar; `recent` lists the latest runs.</p>}
          />
        </>
      )}
      {result.state === 'ok' && result.data && result.data.nodes.length === 0 && (
        <>
          <h1>{title}</h1>
          {time}
          <Empty title="Nothing to draw at that moment">
            <p data-testid="as-of-note">{result.data.note ?? 'The graph was empty then.'}</p>
          </Empty>
        </>
      )}
      {result.state === 'ok' && result.data && result.data.nodes.length > 0 && (
        <LoadedLineage
          key={key}
          title={title}
          full={result.data}
          mode={mode}
          id={id}
          depth={d}
          asOf={asOf}
          time={time}
          dark={dark}
        />
      )}
    </div>
  );
}

interface LoadedProps {
  title: string;
  full: LineageGraph;
  mode: 'trace' | 'impact';
  id: string;
  depth: number;
  asOf: string | undefined;
  /** The page's time control, drawn in the toolbar. */
  time: ReactNode;
  dark: boolean;
}

function LoadedLineage({ title, full: loaded, mode, id, depth, asOf, time, dark }: LoadedProps) {
  const [full, setFull] = useState(loaded);
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  const [openGroups, setOpenGroups] = useState<Set<string>>(new Set());
  const [fanOutCap, setFanOutCap] = useState(FAN_OUT_CAP);
  const [selected, setSelected] = useState<string | null>(null);
  // The last node clicked: a shift-click draws the path from it, even after its card closed.
  const [anchor, setAnchor] = useState<string | null>(null);
  const [pathEnds, setPathEnds] = useState<[string, string] | null>(null);
  const [query, setQuery] = useState('');
  const [matchIndex, setMatchIndex] = useState(0);
  const [showStale, setShowStale] = useState(false);
  const staleness = full.staleness ?? null;
  const legend = useMemo(() => staleLegend(staleness), [staleness]);

  const graph = useMemo(
    () => boundGraph(full, { collapsed, fanOutCap, openGroups }),
    [full, collapsed, openGroups, fanOutCap],
  );
  const path = useMemo(
    () => (pathEnds ? findPath(graph.nodes, graph.edges, pathEnds[0], pathEnds[1]) : null),
    [graph, pathEnds],
  );
  const matches = useMemo(() => searchNodes(graph.nodes, query), [graph, query]);
  const lit = useMemo(() => new Set(path ? path.nodes : matches), [path, matches]);
  const litEdges = useMemo(() => path?.edges ?? new Set<string>(), [path]);
  const focus = matches.length ? (matches[matchIndex % matches.length] ?? null) : null;
  const selectedNode = graph.nodes.find((n) => n.id === selected) ?? null;

  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (event.key === 'Escape') {
        setSelected(null);
        setPathEnds(null);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const onNodeClick = (nodeId: string, withShift: boolean): void => {
    const node = graph.nodes.find((n) => n.id === nodeId);
    if (node?.kind === 'group') {
      setOpenGroups((s) => new Set(s).add(nodeId));
      return;
    }
    if (withShift && anchor && anchor !== nodeId) {
      setPathEnds([anchor, nodeId]);
      return;
    }
    setPathEnds(null);
    setSelected(nodeId);
    setAnchor(nodeId);
  };

  const toggleCollapse = (nodeId: string): void =>
    setCollapsed((s) => {
      const next = new Set(s);
      if (next.has(nodeId)) next.delete(nodeId);
      else next.add(nodeId);
      return next;
    });

  const setDepth = (value: number): void => navigate(lineageRoute(mode, id, value, asOf));

  const side = mode === 'trace' ? ('upstream' as const) : ('downstream' as const);
  const partial = full.truncated || graph.hiddenCount > 0;
  const updatePointer = (p: Pointer): void =>
    setFull((g) => ({ ...g, nodes: g.nodes.map((n) => (n.outputId === p.name ? { ...n, flagged: p.flag } : n)) }));

  return (
    <>
      <div className="graph-toolbar">
        <h1>{title}</h1>
        <div className="row">
          <span className="muted">Depth {depth}</span>
          <button type="button" onClick={() => setDepth(Math.max(1, depth - 1))} disabled={depth <= 1} aria-label="One step less">
            −
          </button>
          <button type="button" onClick={() => setDepth(depth + 1)} aria-label={`One step further ${side}`}>
            +
          </button>
          <input
            aria-label="Search in graph"
            placeholder="Search in graph"
            value={query}
            onChange={(e) => {
              setQuery(e.target.value);
              setMatchIndex(0);
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter') setMatchIndex((i) => i + 1);
            }}
          />
          {query && (
            <span className="muted" data-testid="search-count">
              {matches.length} match{matches.length === 1 ? '' : 'es'}
            </span>
          )}
          {pathEnds && (
            <button type="button" onClick={() => setPathEnds(null)}>
              Clear path
            </button>
          )}
          {staleness && (
            <button
              type="button"
              aria-pressed={showStale}
              className={staleness.fresh ? undefined : 'stale-button'}
              onClick={() => {
                setShowStale((v) => !v);
                setSelected(null);
              }}
            >
              {staleness.fresh ? 'Fresh' : `What is stale (${staleness.plan.length} to re-run)`}
            </button>
          )}
          {mode === 'trace' && <CompareWith outputId={id} asOf={asOf} />}
        </div>
      </div>
      {time}
      {full.note && (
        <div className="graph-notice partial" data-testid="as-of-note">
          {full.note}
        </div>
      )}
      {legend.length > 0 && <Legend title="Why runs are stale" items={legend} />}
      <div className={partial ? 'graph-notice partial' : 'graph-notice'} data-testid="graph-notice">
        {describeBounds({
          truncated: full.truncated,
          depth,
          side,
          loaded: full.nodes.length,
          drawn: graph.nodes.filter((n) => n.kind !== 'group').length,
          hidden: graph.hiddenCount,
        })}{' '}
        {graph.hiddenCount > 0 && (
          <button
            type="button"
            className="linkish"
            onClick={() => {
              setFanOutCap(Number.POSITIVE_INFINITY);
              setCollapsed(new Set());
            }}
          >
            Show all {full.nodes.length} loaded nodes
          </button>
        )}{' '}
        {full.truncated && (
          <button type="button" className="linkish" onClick={() => setDepth(depth + 1)}>
            Go one step further
          </button>
        )}
        {!partial && <> Click a node for its card; shift-click a second node to highlight the path between them.</>}
        {path && !path.directed && <> The highlighted nodes are linked only through a shared neighbour.</>}
        {pathEnds && !path && <> No path links those two nodes.</>}
      </div>
      <div className="graph-area">
        <LineageView graph={graph} lit={lit} litEdges={litEdges} focus={focus} onNodeClick={onNodeClick} dark={dark} />
        {showStale && staleness && !selectedNode && <StalePanel report={staleness} onClose={() => setShowStale(false)} />}
        {selectedNode && (
          <NodePanel
            key={selectedNode.id}
            node={selectedNode}
            collapsed={collapsed.has(selectedNode.id)}
            side={side}
            onToggle={() => toggleCollapse(selectedNode.id)}
            onStep={() => setCollapsed((s) => expandStep(full, s, selectedNode.id))}
            onClose={() => setSelected(null)}
            onPointerChange={updatePointer}
          />
        )}
      </div>
    </>
  );
}

/** "Compare with…": diff this trace against another output's (a good one against a bad one). */
function CompareWith({ outputId, asOf }: { outputId: string; asOf: string | undefined }) {
  const [open, setOpen] = useState(false);
  const [other, setOther] = useState('');
  const go = (): void => {
    const b = other.trim();
    if (b) navigate({ view: 'diff', a: outputId, b, ...(asOf ? { asOf } : {}) });
  };
  if (!open) {
    return (
      <button type="button" onClick={() => setOpen(true)}>
        Compare with…
      </button>
    );
  }
  return (
    <form
      className="row"
      onSubmit={(e) => {
        e.preventDefault();
        go();
      }}
    >
      <input aria-label="Compare with output" placeholder="Another output id" value={other} autoFocus onChange={(e) => setOther(e.target.value)} />
      <button type="submit" disabled={!other.trim()}>
        Compare
      </button>
    </form>
  );
}

function NodePanel({
  node,
  collapsed,
  side,
  onToggle,
  onStep,
  onClose,
  onPointerChange,
}: {
  node: LineageNode;
  collapsed: boolean;
  side: string;
  onToggle: () => void;
  onStep: () => void;
  onClose: () => void;
  onPointerChange: (p: Pointer) => void;
}) {
  return (
    <aside className="node-panel" data-testid="node-panel">
      <div className="row">
        {collapsed && (
          <button type="button" onClick={onStep}>
            Expand one step
          </button>
        )}
        <button type="button" onClick={onToggle}>
          {collapsed ? `Expand all ${side}` : `Collapse ${side}`}
        </button>
        <button type="button" onClick={onClose} aria-label="Close">
          ✕
        </button>
      </div>
      {node.runId !== undefined ? (
        <RunPanel runId={node.runId} />
      ) : (
        <div className="run-card compact">
          <h2>{node.label}</h2>
          <p className="muted">{node.kind} pointer</p>
          <FlagToggle
            pointer={{ name: node.outputId ?? node.label, value: null, pointerType: node.kind, flag: node.flagged ?? false }}
            onChange={onPointerChange}
          />
          <div className="row">
            <a className="button" href={href({ view: 'trace', outputId: node.outputId ?? node.label, depth: null })}>
              Trace
            </a>
            <a className="button" href={href({ view: 'impact', id: node.outputId ?? node.label, depth: null })}>
              Impact
            </a>
          </div>
        </div>
      )}
    </aside>
  );
}

function RunPanel({ runId }: { runId: number }) {
  const [result, reload] = useLoad(String(runId), () => fetchRun(runId));
  if (result.state === 'loading') return <Loading what={`run ${runId}`} />;
  if (result.state === 'error') return <ErrorState error={result.error} onRetry={reload} />;
  if (!result.data) return <NotFound what={`No run ${runId}`} />;
  return <RunCard run={result.data} compact />;
}
