import { useEffect, useState } from 'react';
import { setFlag } from './api/operations';
import type { Action } from './commands';
import { CommandBar } from './components/CommandBar';
import { ErrorBoundary } from './components/ErrorBoundary';
import { NotFound } from './components/States';
import { href, navigate, useRoute } from './navigation';
import { routeToHash, type Route } from './routes';
import { ComponentsPage } from './routes/components/ComponentsPage';
import { DiffPage } from './routes/diff/DiffPage';
import { HelpPanel } from './routes/help/HelpPage';
import { HistoryPage } from './routes/history/HistoryPage';
import { LineagePage } from './routes/lineage/LineagePage';
import { RecentPage } from './routes/recent/RecentPage';
import { ReviewPage } from './routes/review/ReviewPage';
import { RunPage } from './routes/run/RunPage';
import { useTheme } from './theme';

interface Toast {
  text: string;
  error: boolean;
}

function View({ route, dark }: { route: Route; dark: boolean }) {
  switch (route.view) {
    case 'recent':
      return <RecentPage />;
    case 'history':
      return <HistoryPage component={route.component} limit={route.limit} />;
    case 'run':
      return <RunPage runId={route.runId} />;
    case 'trace':
      return <LineagePage mode="trace" id={route.outputId} depth={route.depth} asOf={route.asOf} dark={dark} />;
    case 'impact':
      return <LineagePage mode="impact" id={route.id} depth={route.depth} asOf={route.asOf} dark={dark} />;
    case 'tag':
      return <ComponentsPage tag={route.tag} />;
    case 'components':
      return <ComponentsPage tag={null} />;
    case 'review':
      return <ReviewPage rank={route.rank} asOf={route.asOf} />;
    case 'help':
      return <HelpPanel />;
    case 'diff':
      return <DiffPage a={route.a} b={route.b} asOf={route.asOf} dark={dark} />;
    case 'notFound':
      return (
        <div className="page">
          <NotFound what={`No page at ${route.path}`} hint={<p>Type `help` for the commands.</p>} />
        </div>
      );
  }
}

const NAV: [string, Route][] = [
  ['Recent', { view: 'recent' }],
  ['Components', { view: 'components' }],
  ['Review', { view: 'review', rank: 'coverage' }],
  ['Help', { view: 'help' }],
];

export function App() {
  const route = useRoute();
  const [theme, toggleTheme] = useTheme();
  const [toast, setToast] = useState<Toast | null>(null);

  useEffect(() => {
    if (!toast) return;
    const timer = window.setTimeout(() => setToast(null), 5000);
    return () => window.clearTimeout(timer);
  }, [toast]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      const target = event.target as HTMLElement | null;
      if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA')) return;
      if (event.key === '?') navigate({ view: 'help' });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const onAction = (action: Action): void => {
    if (action.kind === 'navigate') {
      navigate(action.route);
      return;
    }
    setFlag(action.outputId, action.flag).then(
      (pointer) =>
        setToast(
          pointer
            ? { text: `${action.flag ? 'Flagged' : 'Unflagged'} ${action.outputId}.`, error: false }
            : { text: `No output named "${action.outputId}".`, error: true },
        ),
      (e: unknown) => setToast({ text: e instanceof Error ? e.message : String(e), error: true }),
    );
  };

  return (
    <div className="app">
      <header className="topbar">
        <a className="brand" href={href({ view: 'recent' })}>
          mltrace<span>graph</span>
        </a>
        <CommandBar onAction={onAction} />
        <nav>
          {NAV.map(([label, r]) => (
            <a key={label} href={href(r)} className={r.view === route.view ? 'active' : undefined}>
              {label}
            </a>
          ))}
        </nav>
        <button
          type="button"
          className="theme-toggle"
          onClick={toggleTheme}
          aria-label={theme === 'dark' ? 'Switch to light theme' : 'Switch to dark theme'}
        >
          {theme === 'dark' ? '☀' : '☾'}
        </button>
      </header>
      <main>
        <ErrorBoundary resetKey={routeToHash(route)}>
          <View route={route} dark={theme === 'dark'} />
        </ErrorBoundary>
      </main>
      {toast && (
        <div className={toast.error ? 'toast error' : 'toast'} role="status" data-testid="toast">
          {toast.text}
        </div>
      )}
    </div>
  );
}
