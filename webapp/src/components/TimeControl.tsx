/**
 * "As of": look at the graph as it stood at a moment. The moment lives in the URL (the page
 * passes it in and navigates on change), so a look into the past is a link one can share and
 * the back button undoes it.
 */
import { useState } from 'react';
import { asOfFromLocalInput, describeAsOf, localInputFromAsOf } from '../asOf';

interface Props {
  asOf: string | undefined;
  onChange: (asOf: string | undefined) => void;
}

export function TimeControl({ asOf, onChange }: Props) {
  // Remounted (by key) when the URL's moment changes, so the draft never disagrees with it.
  return <TimeInput key={asOf ?? 'now'} asOf={asOf} onChange={onChange} />;
}

function TimeInput({ asOf, onChange }: Props) {
  const [draft, setDraft] = useState(asOf ? localInputFromAsOf(asOf) : '');
  const apply = (value: string): void => {
    const next = asOfFromLocalInput(value);
    if (next && next !== asOf) onChange(next);
  };
  return (
    <div className={asOf ? 'time-control past' : 'time-control'} role="group" aria-label="Time" data-testid="time-control">
      <label>
        As of{' '}
        <input
          type="datetime-local"
          aria-label="As of"
          value={draft}
          onChange={(e) => {
            setDraft(e.target.value);
            apply(e.target.value);
          }}
        />
      </label>
      <button type="button" onClick={() => onChange(undefined)} disabled={!asOf} title="Show the graph as it is now">
        Now
      </button>
      <span className="muted" data-testid="as-of-label">
        {asOf ? `as it stood at ${describeAsOf(asOf)}` : 'now'}
      </span>
    </div>
  );
}
