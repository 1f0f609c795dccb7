/**
 * Every view of the app as data, and its URL.
 *
 * URLs live in the hash (`#/trace/<output>`) so that the Flask server only has to serve `/`
 * and output ids with slashes survive untouched; the browser's history still records each
 * view, so deep links and the back button work.
 */

export type Rank = 'coverage' | 'ochiai';

export type Route =
  | { view: 'recent' }
  | { view: 'history'; component: string; limit: number | null }
  | { view: 'run'; runId: number }
  | { view: 'trace'; outputId: string; depth: number | null }
  | { view: 'impact'; id: string; depth: number | null }
  | { view: 'tag'; tag: string }
  | { view: 'components' }
  | { view: 'review'; rank: Rank }
  | { view: 'help' }
  | { view: 'notFound'; path: string };

const enc = encodeURIComponent;

function withQuery(path: string, query: Record<string, string | number | null>): string {
  const parts = Object.entries(query)
    .filter((entry): entry is [string, string | number] => entry[1] !== null)
    .map(([key, value]) => `${key}=${enc(String(value))}`);
  return parts.length ? `${path}?${parts.join('&')}` : path;
}

/** The hash (with its leading `#`) that shows `route`. */
export function routeToHash(route: Route): string {
  switch (route.view) {
    case 'recent':
      return '#/recent';
    case 'history':
      return '#' + withQuery(`/history/${enc(route.component)}`, { limit: route.limit });
    case 'run':
      return `#/run/${route.runId}`;
    case 'trace':
      return '#' + withQuery(`/trace/${enc(route.outputId)}`, { depth: route.depth });
    case 'impact':
      return '#' + withQuery(`/impact/${enc(route.id)}`, { depth: route.depth });
    case 'tag':
      return `#/tag/${enc(route.tag)}`;
    case 'components':
      return '#/components';
    case 'review':
      return route.rank === 'coverage' ? '#/review' : '#/review?rank=ochiai';
    case 'help':
      return '#/help';
    case 'notFound':
      return '#' + route.path;
  }
}

function positiveInt(text: string | null | undefined): number | null {
  if (text == null || !/^\d+$/.test(text)) return null;
  const value = Number(text);
  return value > 0 ? value : null;
}

function decode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/** The view a hash names; an empty hash is the recent runs. Unknown paths give `notFound`. */
export function hashToRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '') || '/recent';
  const [path = '', queryText = ''] = raw.split('?', 2);
  const query = new URLSearchParams(queryText);
  const segments = path.split('/').filter(Boolean);
  const [head, arg, ...rest] = segments;
  const value = arg === undefined ? null : decode(arg);
  const notFound: Route = { view: 'notFound', path: raw };
  if (rest.length > 0) return notFound;
  switch (head) {
    case undefined:
    case 'recent':
      return arg === undefined ? { view: 'recent' } : notFound;
    case 'components':
      return arg === undefined ? { view: 'components' } : notFound;
    case 'help':
      return arg === undefined ? { view: 'help' } : notFound;
    case 'review':
      if (arg !== undefined) return notFound;
      return { view: 'review', rank: query.get('rank') === 'ochiai' ? 'ochiai' : 'coverage' };
    case 'history':
      return value ? { view: 'history', component: value, limit: positiveInt(query.get('limit')) } : notFound;
    case 'run': {
      const runId = positiveInt(arg);
      return runId === null ? notFound : { view: 'run', runId };
    }
    case 'trace':
      return value ? { view: 'trace', outputId: value, depth: positiveInt(query.get('depth')) } : notFound;
    case 'impact':
      return value ? { view: 'impact', id: value, depth: positiveInt(query.get('depth')) } : notFound;
    case 'tag':
      return value ? { view: 'tag', tag: value } : notFound;
    default:
      return notFound;
  }
}
