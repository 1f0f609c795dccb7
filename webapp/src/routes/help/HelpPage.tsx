import { COMMANDS } from '../../commands';

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
      <h2>Reading the graph</h2>
      <p>
        Data flows left to right. Runs are rectangles; data are rounded pills, models hexagons, endpoints diamonds.
        A red border means failed, an amber one stale, a flag marks an output flagged as wrong. “+N more” stands
        for neighbours folded away; click it to show them.
      </p>
    </div>
  );
}
