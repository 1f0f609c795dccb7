import { describe, expect, it } from 'vitest';
import { hashToRoute, routeToHash, type Route } from './routes';

describe('routes', () => {
  const examples: [Route, string][] = [
    [{ view: 'recent' }, '#/recent'],
    [{ view: 'history', component: 'etl step', limit: 5 }, '#/history/etl%20step?limit=5'],
    [{ view: 'history', component: 'etl', limit: null }, '#/history/etl'],
    [{ view: 'run', runId: 12 }, '#/run/12'],
    [{ view: 'trace', outputId: 'data/out.csv', depth: null }, '#/trace/data%2Fout.csv'],
    [{ view: 'trace', outputId: 'model.pkl', depth: 5 }, '#/trace/model.pkl?depth=5'],
    [{ view: 'impact', id: '7', depth: null }, '#/impact/7'],
    [{ view: 'tag', tag: 'prod' }, '#/tag/prod'],
    [{ view: 'components' }, '#/components'],
    [{ view: 'review', rank: 'coverage' }, '#/review'],
    [{ view: 'review', rank: 'ochiai' }, '#/review?rank=ochiai'],
    [{ view: 'help' }, '#/help'],
    [{ view: 'diff', a: 'pred-1', b: 'data/pred 2' }, '#/diff/pred-1/data%2Fpred%202'],
    [{ view: 'diff', a: 'x', b: 'y', asOf: '2026-01-01T10:00Z' }, '#/diff/x/y?asOf=2026-01-01T10:00Z'],
  ];

  it.each(examples)('writes %j as %s and reads it back', (route, hash) => {
    expect(routeToHash(route)).toBe(hash);
    expect(hashToRoute(hash)).toEqual(route);
  });

  it('reads an empty hash as the recent runs', () => {
    expect(hashToRoute('')).toEqual({ view: 'recent' });
    expect(hashToRoute('#/')).toEqual({ view: 'recent' });
  });

  it('keeps output ids with slashes, quotes and question marks intact', () => {
    const outputId = 'gs://bucket/a "b"?c=1';
    expect(hashToRoute(routeToHash({ view: 'trace', outputId, depth: null }))).toEqual({
      view: 'trace',
      outputId,
      depth: null,
    });
  });

  it('sends unknown paths and malformed ids to notFound', () => {
    expect(hashToRoute('#/nowhere')).toEqual({ view: 'notFound', path: '/nowhere' });
    expect(hashToRoute('#/run/abc').view).toBe('notFound');
    expect(hashToRoute('#/run/0').view).toBe('notFound');
    expect(hashToRoute('#/trace/%E0%A4%A').view).toBe('notFound');
    expect(hashToRoute('#/trace/a/b').view).toBe('notFound');
    expect(hashToRoute('#/diff/a').view).toBe('notFound');
    expect(hashToRoute('#/diff/a/b/c').view).toBe('notFound');
  });

  it('ignores a depth that is not a positive number', () => {
    expect(hashToRoute('#/trace/x?depth=-2')).toEqual({ view: 'trace', outputId: 'x', depth: null });
  });
});
