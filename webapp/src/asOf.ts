/**
 * The "as of" moment the trace, impact, review and diff views can look back to, in the three
 * forms it takes: the URL's (`2026-01-01T10:00Z`, UTC, minutes), the `datetime-local` input's
 * (the browser's own zone, no suffix) and the server's (full ISO 8601). A moment written
 * without a zone is UTC, as the server reads it, so a hand-typed URL means the same to both.
 */

const ZONE = /(Z|[+-]\d{2}:?\d{2})$/i;

/** Milliseconds since the epoch of an as-of string; naive means UTC. NaN when unreadable. */
export function asOfMillis(asOf: string): number {
  const text = asOf.trim();
  return Date.parse(ZONE.test(text) ? text : `${text}Z`);
}

/** The URL form of a moment: UTC, to the minute, or to the second when it has seconds. */
export function asOfFromDate(date: Date): string {
  const iso = date.toISOString(); // 2026-01-01T10:00:00.000Z
  const seconds = iso.slice(17, 19);
  return seconds === '00' ? `${iso.slice(0, 16)}Z` : `${iso.slice(0, 19)}Z`;
}

/** A `datetime-local` value (the browser's zone) as the URL form; null when empty or unreadable. */
export function asOfFromLocalInput(value: string): string | null {
  if (!value) return null;
  const date = new Date(value); // a zone-less date-time string is local time here
  return Number.isNaN(date.getTime()) ? null : asOfFromDate(date);
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** The `datetime-local` value showing `asOf` in the browser's zone; '' when unreadable. */
export function localInputFromAsOf(asOf: string): string {
  const millis = asOfMillis(asOf);
  if (Number.isNaN(millis)) return '';
  const d = new Date(millis);
  const date = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}${d.getSeconds() ? `:${pad(d.getSeconds())}` : ''}`;
  return `${date}T${time}`;
}

/** What the server's `asOf: DateTime` argument gets: full ISO 8601 in UTC; null for now. */
export function asOfVariable(asOf: string | undefined | null): string | null {
  if (!asOf) return null;
  const millis = asOfMillis(asOf);
  return Number.isNaN(millis) ? null : new Date(millis).toISOString();
}

/** A moment for people: the browser's locale and zone, plus the UTC form the URL carries. */
export function describeAsOf(asOf: string): string {
  const millis = asOfMillis(asOf);
  if (Number.isNaN(millis)) return asOf;
  return `${new Date(millis).toLocaleString()} (${asOfFromDate(new Date(millis))})`;
}
