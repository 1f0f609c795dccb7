import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { fetchCatalog, fetchOutputIds } from '../api/operations';
import { currentArgument, parseCommand, suggest, type Action, type Catalog } from '../commands';

const EMPTY: Catalog = { components: [], runIds: [], outputs: [], tags: [] };

interface Props {
  onAction: (action: Action) => void;
}

/**
 * The command line at the top of every page. `/` or Ctrl-K focuses it, arrows pick a
 * completion, Tab takes it, Enter runs, Escape leaves.
 */
export function CommandBar({ onAction }: Props) {
  const input = useRef<HTMLInputElement>(null);
  const [line, setLine] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [error, setError] = useState<string | null>(null);
  const [catalog, setCatalog] = useState<Catalog>(EMPTY);

  const refreshCatalog = (): void => {
    fetchCatalog().then(setCatalog, () => undefined);
  };

  useEffect(() => {
    refreshCatalog();
    const focus = (event: globalThis.KeyboardEvent): void => {
      const target = event.target as HTMLElement | null;
      const typing = target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA');
      if ((event.key === '/' && !typing) || (event.key === 'k' && (event.ctrlKey || event.metaKey))) {
        event.preventDefault();
        input.current?.focus();
      }
    };
    window.addEventListener('keydown', focus);
    return () => window.removeEventListener('keydown', focus);
  }, []);

  // The catalog holds a first batch of output ids; ask the server for those matching what
  // is typed, so any output can be completed however many there are.
  const argument = currentArgument(line);
  const outputPrefix = argument && (argument.kind === 'output' || argument.kind === 'id') ? argument.typed : '';
  useEffect(() => {
    if (!outputPrefix || /^\d+$/.test(outputPrefix)) return;
    let current = true;
    const timer = window.setTimeout(() => {
      fetchOutputIds(outputPrefix).then(
        (names) =>
          current &&
          setCatalog((c) => {
            const known = new Set(c.outputs);
            const fresh = names.filter((n) => !known.has(n));
            return fresh.length ? { ...c, outputs: [...c.outputs, ...fresh] } : c;
          }),
        () => undefined,
      );
    }, 150);
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [outputPrefix]);

  const suggestions = useMemo(() => (open ? suggest(line, catalog) : []), [open, line, catalog]);

  const run = (text: string): void => {
    const parsed = parseCommand(text);
    if (!parsed.ok) {
      setError(parsed.error);
      return;
    }
    setError(null);
    setLine('');
    setOpen(false);
    setActive(-1);
    input.current?.blur();
    onAction(parsed.action);
  };

  const accept = (index: number): string | null => {
    const choice = suggestions[index];
    if (!choice) return null;
    setLine(choice.line);
    setActive(-1);
    return choice.line;
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>): void => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      setOpen(true);
      const step = event.key === 'ArrowDown' ? 1 : -1;
      const count = suggestions.length;
      // -1 is the typed line itself; the selection cycles through it.
      if (count) setActive((i) => ((i + 1 + step + count + 1) % (count + 1)) - 1);
    } else if (event.key === 'Tab' && suggestions.length) {
      event.preventDefault();
      accept(active >= 0 ? active : 0);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const chosen = active >= 0 ? accept(active) : null;
      const text = chosen ?? line;
      if (chosen && chosen.endsWith(' ')) return;
      run(text);
    } else if (event.key === 'Escape') {
      setOpen(false);
      setError(null);
      input.current?.blur();
    }
  };

  return (
    <div className="command-bar">
      <input
        ref={input}
        aria-label="Command"
        role="combobox"
        aria-expanded={suggestions.length > 0}
        aria-controls="command-suggestions"
        aria-activedescendant={active >= 0 ? `suggestion-${active}` : undefined}
        placeholder="Type a command: recent, history NAME, inspect ID, trace OUTPUT, review, help…  ( / )"
        value={line}
        spellCheck={false}
        autoComplete="off"
        onChange={(event) => {
          setLine(event.target.value);
          setOpen(true);
          setActive(-1);
          setError(null);
        }}
        onFocus={() => {
          setOpen(true);
          refreshCatalog();
        }}
        onBlur={() => window.setTimeout(() => setOpen(false), 150)}
        onKeyDown={onKeyDown}
      />
      {suggestions.length > 0 && (
        <ul className="suggestions" id="command-suggestions" role="listbox">
          {suggestions.map((s, index) => (
            <li
              key={s.line}
              id={`suggestion-${index}`}
              role="option"
              aria-selected={index === active}
              className={index === active ? 'active' : undefined}
              onMouseDown={(event) => {
                event.preventDefault();
                const chosen = accept(index);
                if (chosen && !chosen.endsWith(' ')) run(chosen);
                else input.current?.focus();
              }}
            >
              <span className="label">{s.label}</span>
              <span className="detail">{s.detail}</span>
            </li>
          ))}
        </ul>
      )}
      {error && (
        <div className="command-error" role="alert">
          {error}
        </div>
      )}
    </div>
  );
}
