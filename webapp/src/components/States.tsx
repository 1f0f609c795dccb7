import type { ReactNode } from 'react';
import { ServerDownError } from '../api/client';

export function Loading({ what }: { what: string }) {
  return (
    <div className="state" role="status">
      Loading {what}…
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state empty" data-testid="empty-state">
      <h2>{title}</h2>
      {children}
    </div>
  );
}

export function ErrorState({ error, onRetry }: { error: Error; onRetry?: () => void }) {
  const down = error instanceof ServerDownError;
  return (
    <div className="state error" role="alert" data-testid={down ? 'server-down' : 'error-state'}>
      <h2>{down ? 'Server unavailable' : 'Something went wrong'}</h2>
      <p>{error.message}</p>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function NotFound({ what, hint }: { what: string; hint?: ReactNode }) {
  return (
    <div className="state empty" role="alert" data-testid="not-found">
      <h2>{what}</h2>
      {hint ?? <p>Check the id, or type `recent` to see what exists.</p>}
    </div>
  );
}
