/**
 * Every view of the app as data, and its URL.
 *
 * URLs live in the hash (`#/trace/<output>`) so that the Flask server only has to serve `/`
 * and output ids with slashes survive untouched; the browser's history still records each
 * view, so deep links and the back button work.
 */

export type Rank = 'coverage' | 'ochiai';

/**
 * `asOf` (trace, impact, review, diff): the moment to look at the graph as it stood, an ISO
 * 8601 string as the URL carries it (`2026-01-01T10:00Z`); absent means now.
 */

export type Route =
  | { view: 'recent' }
  | { view: 'history'; component: string; limit: number | null }
  | { view: 'run'; runId: number }
  | { view: 'trace'; outputId: string; depth: number | null; asOf?: string }
  | { view: 'impact'; id: string; depth: number | null; asOf?: string }
  | { view: 'tag'; tag: string }
  | { view: 'components' }
  | { view: 'review'; rank: Rank; asOf?: string }
  | { view: 'diff'; a: string; b: string; asOf?: string }
  | { view: 'help' }
  | { view: 'notFound'; path: string };

const enc = encodeURIComponent;

/** Colons stay readable in a query value (`asOf=2026-01-01T10:00Z`); they need no escaping there. */
const encValue = (value: string): string => enc(value).replace(/%3A/gi, ':');

function withQuery(path: string, query: Record<string, string | number | null | undefined>): string {
  const parts = Object.entries(query)
    .filter((entry): entry is [string, string | number] => entry[1] !== null && entry[1] !== undefined)
    .map(([key, value]) => `${key}=${encValue(String(value))}`);
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
      return '#' + withQuery(`/trace/${enc(route.outputId)}`, { depth: route.depth, asOf: route.asOf });
    case 'impact':
      return '#' + withQuery(`/impact/${enc(route.id)}`, { depth: route.depth, asOf: route.asOf });
    case 'tag':
      return `#/tag/${enc(route.tag)}`;
    case 'components':
      return '#/components';
    case 'review':
      return '#' + withQuery('/review', { rank: route.rank === 'coverage' ? null : route.rank, asOf: route.asOf });
    case 'help':
      return '#/help';
    case 'diff':
      return '#' + withQuery(`/diff/${enc(route.a)}/${enc(route.b)}`, { asOf: route.asOf });
    case 'notFound':
      return '#' + route.path;
  }
}

function positiveInt(text: string | null | undefined): number | null {
  if (text == null || !/^\d+$/.test(text)) return null;
  const value = Number(text);
  return value > 0 ? value : null;
}

/** An `asOf` the URL may carry: a parseable date-time (with its zone), else ignored. */
function asOfParam(text: string | null): { asOf?: string } {
  if (!text || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(text) || Number.isNaN(Date.parse(text))) return {};
  return { asOf: text };
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
  if (head === 'diff') {
    // The one view with two ids: #/diff/<a>/<b>.
    const [a, b] = [value, rest.length === 1 ? decode(rest[0] as string) : null];
    return a && b ? { view: 'diff', a, b, ...asOfParam(query.get('asOf')) } : notFound;
  }
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
      return { view: 'review', rank: query.get('rank') === 'ochiai' ? 'ochiai' : 'coverage', ...asOfParam(query.get('asOf')) };
    case 'history':
      return value ? { view: 'history', component: value, limit: positiveInt(query.get('limit')) } : notFound;
    case 'run': {
      const runId = positiveInt(arg);
      return runId === null ? notFound : { view: 'run', runId };
    }
    case 'trace':
      return value
        ? { view: 'trace', outputId: value, depth: positiveInt(query.get('depth')), ...asOfParam(query.get('asOf')) }
        : notFound;
    case 'impact':
      return value
        ? { view: 'impact', id: value, depth: positiveInt(query.get('depth')), ...asOfParam(query.get('asOf')) }
        : notFound;
    case 'tag':
      return value ? { view: 'tag', tag: value } : notFound;
    default:
      return notFound;
  }
}
