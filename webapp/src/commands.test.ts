import { describe, expect, it } from 'vitest';
import { COMMANDS, currentArgument, parseCommand, suggest, tokenize, type Catalog } from './commands';

const catalog: Catalog = {
  components: ['etl', 'featurize', 'train_model'],
  runIds: [1, 2, 12],
  outputs: ['features.csv', 'model.pkl', 'raw data.csv'],
  tags: ['prod', 'nightly'],
};

describe('parseCommand', () => {
  it.each([
    ['recent', { view: 'recent' }],
    ['history etl', { view: 'history', component: 'etl', limit: null }],
    ['history etl 5', { view: 'history', component: 'etl', limit: 5 }],
    ['inspect 12', { view: 'run', runId: 12 }],
    ['trace model.pkl', { view: 'trace', outputId: 'model.pkl', depth: null }],
    ['trace "raw data.csv"', { view: 'trace', outputId: 'raw data.csv', depth: null }],
    ['impact 3', { view: 'impact', id: '3', depth: null }],
    ['tag prod', { view: 'tag', tag: 'prod' }],
    ['components', { view: 'components' }],
    ['review', { view: 'review', rank: 'coverage' }],
    ['help', { view: 'help' }],
    ['  INSPECT 2 ', { view: 'run', runId: 2 }],
    ['diff model.pkl "raw data.csv"', { view: 'diff', a: 'model.pkl', b: 'raw data.csv' }],
  ])('reads "%s" as a view', (line, route) => {
    expect(parseCommand(line)).toEqual({ ok: true, action: { kind: 'navigate', route } });
  });

  it('reads flag and unflag as actions on an output', () => {
    expect(parseCommand('flag model.pkl')).toEqual({ ok: true, action: { kind: 'flag', outputId: 'model.pkl', flag: true } });
    expect(parseCommand('unflag model.pkl')).toEqual({
      ok: true,
      action: { kind: 'flag', outputId: 'model.pkl', flag: false },
    });
  });

  it.each([
    ['', 'Type a command; `help` lists them.'],
    ['launch', 'Unknown command "launch"; `help` lists the commands.'],
    ['inspect', 'Usage: inspect RUN_ID'],
    ['inspect abc', 'RUN_ID must be a run number such as 12, not "abc".'],
    ['history', 'Usage: history NAME [N]'],
    ['history etl 0', 'N must be a positive whole number, not "0".'],
    ['trace a b', 'Usage: trace OUTPUT_ID'],
    ['diff a', 'Usage: diff A B'],
  ])('explains what is wrong with "%s"', (line, error) => {
    expect(parseCommand(line)).toEqual({ ok: false, error });
  });

  it('knows every command the help lists', () => {
    expect(COMMANDS.map((c) => c.name)).toEqual([
      'recent', 'history', 'inspect', 'trace', 'impact', 'diff', 'tag', 'components', 'flag', 'unflag', 'review', 'help',
    ]);
  });
});

describe('tokenize', () => {
  it('keeps quoted words with spaces together', () => {
    expect(tokenize('trace "a b" c')).toEqual(['trace', 'a b', 'c']);
  });
});

describe('suggest', () => {
  it('offers commands for the first word', () => {
    expect(suggest('tr', catalog).map((s) => s.line)).toEqual(['trace ']);
    expect(suggest('', catalog)).toHaveLength(8);
  });

  it('offers component names after history', () => {
    expect(suggest('history ', catalog).map((s) => s.line)).toEqual([
      'history etl',
      'history featurize',
      'history train_model',
    ]);
  });

  it('puts prefix matches before matches inside the name', () => {
    expect(suggest('trace r', catalog).map((s) => s.label)).toEqual(['raw data.csv', 'features.csv']);
  });

  it('offers run ids after inspect and quotes names with spaces', () => {
    expect(suggest('inspect 1', catalog).map((s) => s.line)).toEqual(['inspect 1', 'inspect 12']);
    expect(suggest('flag raw', catalog).map((s) => s.line)).toEqual(['flag "raw data.csv"']);
  });

  it('offers both run ids and outputs after impact', () => {
    expect(suggest('impact ', catalog, 20).map((s) => s.label)).toEqual([
      '1', '2', '12', 'features.csv', 'model.pkl', 'raw data.csv',
    ]);
  });

  it('offers nothing past the last argument or for an unknown command', () => {
    expect(suggest('inspect 12 ', catalog)).toEqual([]);
    expect(suggest('launch x', catalog)).toEqual([]);
  });
});

describe('currentArgument', () => {
  it('names the argument being typed and its text so far', () => {
    expect(currentArgument('trace mod')).toEqual({ kind: 'output', typed: 'mod' });
    expect(currentArgument('history ')).toEqual({ kind: 'component', typed: '' });
    expect(currentArgument('history etl 1')).toEqual({ kind: 'count', typed: '1' });
    expect(currentArgument('impact 4')).toEqual({ kind: 'id', typed: '4' });
  });

  it('is null while the command itself is typed or past the last argument', () => {
    expect(currentArgument('tra')).toBeNull();
    expect(currentArgument('recent ')).toBeNull();
    expect(currentArgument('inspect 3 ')).toBeNull();
  });
});
