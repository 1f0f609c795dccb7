import { useState } from 'react';
import { getToken, setToken } from '../../api/client';
import { COMMANDS } from '../../commands';

function TokenSetting() {
  const [value, setValue] = useState(getToken);
  const [saved, setSaved] = useState(false);
  return (
    <form
      className="row"
      onSubmit={(event) => {
        event.preventDefault();
        setToken(value);
        setSaved(true);
      }}
    >
      <input
        type="password"
        aria-label="API token"
        placeholder="paste a token from `mltrace-graph token create`"
        value={value}
        size={44}
        onChange={(e) => {
          setValue(e.target.value);
          setSaved(false);
        }}
      />
      <button type="submit">Save</button>
      {saved && <span className="muted">{value.trim() ? 'saved in this browser' : 'cleared'}</span>}
    </form>
  );
}

const KEYS: [string, string][] = [
  ['/ or Ctrl-K', 'Focus the command bar'],
  ['↑ ↓', 'Pick a completion'],
  ['Tab', 'Take the completion'],
  ['Enter', 'Run the command'],
  ['Esc', 'Leave the command bar, close a card'],
  ['Alt-← / Alt-→', 'Back and forward through views (the browser’s own)'],
  ['f (in a graph)', 'Fit the graph to the window'],
  ['? ', 'This help'],
];

/** The commands and keys; also the `help` command's view. */
export function HelpPanel() {
  return (
    <div className="page help" data-testid="help">
      <h1>Commands</h1>
      <table className="runs">
        <tbody>
          {COMMANDS.map((c) => (
            <tr key={c.name}>
              <td>
                <code>{[c.name, ...c.args.map((a) => (a.optional ? `[${a.name}]` : a.name))].join(' ')}</code>
              </td>
              <td>{c.summary}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Keys</h2>
      <table className="runs">
        <tbody>
          {KEYS.map(([key, what]) => (
            <tr key={key}>
              <td>
                <kbd>{key}</kbd>
              </td>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2 id="token">API token</h2>
      <p className="muted">
        When the server requires tokens for writes, flagging and notes need one. Create it with{' '}
        <code>mltrace-graph token create --name me</code>; it is kept in this browser only.
      </p>
      <TokenSetting />
      <h2>Reading the graph</h2>
      <p>
        Data flows left to right. Runs are rectangles; data are rounded pills, models hexagons, endpoints diamonds.
        A red border means failed, an amber one stale, a flag marks an output flagged as wrong. “+N more” stands
        for neighbours folded away; click it to show them.
      </p>
    </div>
  );
}
