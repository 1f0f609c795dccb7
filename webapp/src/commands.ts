/**
 * mltrace's command language: parse what the user typed into a view or an action, and
 * suggest completions. Pure functions, so the command bar stays a thin component.
 */
import type { Route } from './routes';

export type Action =
  | { kind: 'navigate'; route: Route }
  | { kind: 'flag'; outputId: string; flag: boolean };

export type Parsed = { ok: true; action: Action } | { ok: false; error: string };

export type ArgKind = 'component' | 'run' | 'output' | 'tag' | 'id' | 'count';

export interface CommandSpec {
  name: string;
  args: { name: string; kind: ArgKind; optional?: boolean }[];
  summary: string;
}

export const COMMANDS: CommandSpec[] = [
  { name: 'recent', args: [], summary: 'The most recent runs, newest first (scroll for more).' },
  {
    name: 'history',
    args: [
      { name: 'NAME', kind: 'component' },
      { name: 'N', kind: 'count', optional: true },
    ],
    summary: 'The last N runs (default 10) of component NAME.',
  },
  { name: 'inspect', args: [{ name: 'RUN_ID', kind: 'run' }], summary: 'The card of run RUN_ID.' },
  {
    name: 'trace',
    args: [{ name: 'OUTPUT_ID', kind: 'output' }],
    summary: 'The lineage graph upstream of OUTPUT_ID: every run and input that produced it.',
  },
  {
    name: 'impact',
    args: [{ name: 'ID', kind: 'id' }],
    summary: 'Everything downstream of a run id or an output id: what it fed.',
  },
  {
    name: 'diff',
    args: [
      { name: 'A', kind: 'output' },
      { name: 'B', kind: 'output' },
    ],
    summary: 'What differs between the lineage of outputs A and B (a good and a bad prediction), where to look first.',
  },
  { name: 'tag', args: [{ name: 'TAG', kind: 'tag' }], summary: 'The components tagged TAG.' },
  { name: 'components', args: [], summary: 'Every component, with its owner and tags.' },
  { name: 'flag', args: [{ name: 'OUTPUT_ID', kind: 'output' }], summary: 'Mark OUTPUT_ID as wrong.' },
  { name: 'unflag', args: [{ name: 'OUTPUT_ID', kind: 'output' }], summary: 'Clear the flag on OUTPUT_ID.' },
  {
    name: 'review',
    args: [],
    summary: 'Flagged outputs and the runs most likely behind them (coverage or Ochiai).',
  },
  { name: 'help', args: [], summary: 'This list of commands and keyboard shortcuts.' },
];

/** Split a command line into words; double quotes keep spaces inside one word. */
export function tokenize(line: string): string[] {
  const words: string[] = [];
  const pattern = /"([^"]*)"?|(\S+)/g;
  for (let match = pattern.exec(line); match; match = pattern.exec(line)) {
    words.push(match[1] ?? match[2] ?? '');
  }
  return words;
}

function usage(spec: CommandSpec): string {
  return [spec.name, ...spec.args.map((a) => (a.optional ? `[${a.name}]` : a.name))].join(' ');
}

/** What `line` asks for, or an error that says how to write it. */
export function parseCommand(line: string): Parsed {
  const [name, ...args] = tokenize(line.trim());
  if (!name) return { ok: false, error: 'Type a command; `help` lists them.' };
  const spec = COMMANDS.find((c) => c.name === name.toLowerCase());
  if (!spec) return { ok: false, error: `Unknown command "${name}"; \`help\` lists the commands.` };
  const required = spec.args.filter((a) => !a.optional).length;
  if (args.length < required || args.length > spec.args.length) {
    return { ok: false, error: `Usage: ${usage(spec)}` };
  }
  const first = args[0] ?? '';
  const nav = (route: Route): Parsed => ({ ok: true, action: { kind: 'navigate', route } });
  switch (spec.name) {
    case 'recent':
      return nav({ view: 'recent' });
    case 'components':
      return nav({ view: 'components' });
    case 'review':
      return nav({ view: 'review', rank: 'coverage' });
    case 'help':
      return nav({ view: 'help' });
    case 'history': {
      const countText = args[1];
      if (countText !== undefined && !/^[1-9]\d*$/.test(countText)) {
        return { ok: false, error: `N must be a positive whole number, not "${countText}".` };
      }
      return nav({ view: 'history', component: first, limit: countText ? Number(countText) : null });
    }
    case 'inspect':
      if (!/^[1-9]\d*$/.test(first)) {
        return { ok: false, error: `RUN_ID must be a run number such as 12, not "${first}".` };
      }
      return nav({ view: 'run', runId: Number(first) });
    case 'trace':
      return nav({ view: 'trace', outputId: first, depth: null });
    case 'impact':
      return nav({ view: 'impact', id: first, depth: null });
    case 'tag':
      return nav({ view: 'tag', tag: first });
    case 'diff':
      return nav({ view: 'diff', a: first, b: args[1] ?? '' });
    case 'flag':
    case 'unflag':
      return { ok: true, action: { kind: 'flag', outputId: first, flag: spec.name === 'flag' } };
    default:
      return { ok: false, error: `Unknown command "${name}".` };
  }
}

/** Names the autocomplete can offer; the command bar fills it from the server. */
export interface Catalog {
  components: string[];
  runIds: number[];
  outputs: string[];
  tags: string[];
}

export interface Suggestion {
  /** The whole command line after accepting the suggestion. */
  line: string;
  label: string;
  detail: string;
}

function quote(word: string): string {
  return /\s/.test(word) ? `"${word}"` : word;
}

/** Completions for `line` as typed so far (at most `limit`), prefix matches first. */
export function suggest(line: string, catalog: Catalog, limit = 8): Suggestion[] {
  const endsWithSpace = /\s$/.test(line);
  const words = tokenize(line);
  if (words.length === 0 || (words.length === 1 && !endsWithSpace)) {
    const typed = (words[0] ?? '').toLowerCase();
    return COMMANDS.filter((c) => c.name.startsWith(typed))
      .slice(0, limit)
      .map((c) => ({ line: c.args.length ? `${c.name} ` : c.name, label: usage(c), detail: c.summary }));
  }
  const spec = COMMANDS.find((c) => c.name === words[0]?.toLowerCase());
  if (!spec) return [];
  const done = endsWithSpace ? words.slice(1) : words.slice(1, -1);
  const typed = endsWithSpace ? '' : (words[words.length - 1] ?? '');
  const arg = spec.args[done.length];
  if (!arg) return [];
  const pool = candidates(arg.kind, catalog);
  const lower = typed.toLowerCase();
  const prefix = pool.filter((p) => p.toLowerCase().startsWith(lower));
  const inner = pool.filter((p) => !p.toLowerCase().startsWith(lower) && p.toLowerCase().includes(lower));
  const head = [spec.name, ...done.map(quote)].join(' ');
  return [...prefix, ...inner].slice(0, limit).map((value) => ({
    line: `${head} ${quote(value)}`,
    label: value,
    detail: arg.name,
  }));
}

function candidates(kind: ArgKind, catalog: Catalog): string[] {
  switch (kind) {
    case 'component':
      return catalog.components;
    case 'run':
      return catalog.runIds.map(String);
    case 'output':
      return catalog.outputs;
    case 'tag':
      return catalog.tags;
    case 'id':
      return [...catalog.runIds.map(String), ...catalog.outputs];
    case 'count':
      return [];
  }
}

/** The argument being typed at the end of `line` (its kind and text so far), if any. */
export function currentArgument(line: string): { kind: ArgKind; typed: string } | null {
  const endsWithSpace = /\s$/.test(line);
  const words = tokenize(line);
  if (words.length === 0 || (words.length === 1 && !endsWithSpace)) return null;
  const spec = COMMANDS.find((c) => c.name === words[0]?.toLowerCase());
  const done = endsWithSpace ? words.length - 1 : words.length - 2;
  const arg = spec?.args[done];
  if (!arg) return null;
  return { kind: arg.kind, typed: endsWithSpace ? '' : (words[words.length - 1] ?? '') };
}
