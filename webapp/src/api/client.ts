/**
 * The one way the app talks to the server: POST a GraphQL operation to `/graphql`.
 *
 * Failures come back as two kinds the views render differently: the server (or Neo4j behind
 * it) cannot be reached, or the server answered with GraphQL errors.
 */

export class ServerDownError extends Error {
  constructor(detail: string) {
    super(`The mltrace-graph server cannot be reached (${detail}). Is \`mltrace-graph serve\` running?`);
    this.name = 'ServerDownError';
  }
}

export class ApiError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApiError';
  }
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message: string }[];
}

const TOKEN_KEY = 'mltrace-token';

/** The API token the server asks for on writes (kept in this browser only). */
export function getToken(): string {
  return window.localStorage.getItem(TOKEN_KEY) ?? '';
}

export function setToken(token: string): void {
  if (token.trim()) window.localStorage.setItem(TOKEN_KEY, token.trim());
  else window.localStorage.removeItem(TOKEN_KEY);
}

export const GRAPHQL_URL = (import.meta.env.VITE_GRAPHQL_URL as string | undefined) ?? './graphql';

export async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(GRAPHQL_URL, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json',
        ...(getToken() ? { Authorization: `Bearer ${getToken()}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
  } catch (error) {
    throw new ServerDownError(error instanceof Error ? error.message : String(error));
  }
  if (response.status === 502 || response.status === 503 || response.status === 504) {
    let message = `HTTP ${response.status}`;
    try {
      const body = (await response.json()) as { error?: string; errors?: { message: string }[] };
      message = body.error ?? body.errors?.[0]?.message ?? message;
    } catch {
      // a proxy's HTML error page: keep the status
    }
    throw new ServerDownError(message);
  }
  let body: GraphQLResponse<T>;
  try {
    body = (await response.json()) as GraphQLResponse<T>;
  } catch {
    throw new ApiError(`The server answered HTTP ${response.status} without GraphQL JSON.`);
  }
  if (body.errors?.length) {
    const message = body.errors.map((e) => e.message).join('; ');
    const hint = /token/i.test(message) ? ' (Set an API token under Help.)' : '';
    throw new ApiError(message + hint);
  }
  if (body.data == null) throw new ApiError(`The server answered HTTP ${response.status} with no data.`);
  return body.data;
}
