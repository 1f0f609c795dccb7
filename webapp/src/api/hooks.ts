import { useCallback, useEffect, useState } from 'react';

export type Loaded<T> =
  | { state: 'loading' }
  | { state: 'ok'; data: T }
  | { state: 'error'; error: Error };

const LOADING = { state: 'loading' } as const;

/**
 * Run `load` when `key` changes; `reload` runs it again. The answer is stored with the key it
 * answers, so a view never shows data for an old key (and late answers are dropped).
 */
export function useLoad<T>(key: string, load: () => Promise<T>): [Loaded<T>, () => void] {
  const [generation, setGeneration] = useState(0);
  const token = `${generation}#${key}`;
  const [answer, setAnswer] = useState<{ token: string; value: Loaded<T> } | null>(null);
  useEffect(() => {
    let current = true;
    load().then(
      (data) => current && setAnswer({ token, value: { state: 'ok', data } }),
      (error: unknown) =>
        current &&
        setAnswer({
          token,
          value: { state: 'error', error: error instanceof Error ? error : new Error(String(error)) },
        }),
    );
    return () => {
      current = false;
    };
    // `load` is a fresh closure each render; `token` names what it loads.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [token]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return [answer && answer.token === token ? answer.value : LOADING, reload];
}
