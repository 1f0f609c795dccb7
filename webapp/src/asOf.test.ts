import { describe, expect, it } from 'vitest';
import { asOfFromDate, asOfFromLocalInput, asOfMillis, asOfVariable, localInputFromAsOf } from './asOf';
import { hashToRoute, routeToHash } from './routes';

describe('asOf', () => {
  it('reads a moment without a zone as UTC, as the server does', () => {
    expect(asOfMillis('2026-01-01T10:00')).toBe(Date.UTC(2026, 0, 1, 10, 0));
    expect(asOfMillis('2026-01-01T10:00Z')).toBe(Date.UTC(2026, 0, 1, 10, 0));
    expect(asOfMillis('2026-01-01T12:00+02:00')).toBe(Date.UTC(2026, 0, 1, 10, 0));
  });

  it('writes the URL form in UTC to the minute, with seconds only when there are some', () => {
    expect(asOfFromDate(new Date(Date.UTC(2026, 0, 1, 10, 0)))).toBe('2026-01-01T10:00Z');
    expect(asOfFromDate(new Date(Date.UTC(2026, 0, 1, 10, 0, 7)))).toBe('2026-01-01T10:00:07Z');
  });

  it('turns the input’s local time into the URL form and back, whatever the browser’s zone', () => {
    const saved = process.env.TZ;
    try {
      for (const zone of ['UTC', 'Asia/Kolkata', 'America/New_York']) {
        process.env.TZ = zone; // Node re-reads TZ on change
        for (const asOf of ['2026-01-01T10:00Z', '2026-07-15T23:45Z', '2026-03-29T01:30:15Z']) {
          expect(asOfFromLocalInput(localInputFromAsOf(asOf))).toBe(asOf);
        }
      }
      process.env.TZ = 'Asia/Kolkata';
      expect(localInputFromAsOf('2026-01-01T10:00Z')).toBe('2026-01-01T15:30');
      expect(asOfFromLocalInput('2026-01-01T15:30')).toBe('2026-01-01T10:00Z');
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
    expect(asOfFromLocalInput('')).toBeNull();
    expect(asOfFromLocalInput('not a time')).toBeNull();
  });

  it('sends the server full ISO 8601 in UTC, and nothing for now', () => {
    expect(asOfVariable('2026-01-01T10:00Z')).toBe('2026-01-01T10:00:00.000Z');
    expect(asOfVariable(undefined)).toBeNull();
    expect(asOfVariable('garbage')).toBeNull();
  });
});

describe('asOf in the URL', () => {
  it.each([
    [{ view: 'trace', outputId: 'pred-1', depth: null, asOf: '2026-01-01T10:00Z' }, '#/trace/pred-1?asOf=2026-01-01T10:00Z'],
    [{ view: 'trace', outputId: 'a b', depth: 4, asOf: '2026-01-01T10:00Z' }, '#/trace/a%20b?depth=4&asOf=2026-01-01T10:00Z'],
    [{ view: 'impact', id: '7', depth: null, asOf: '2026-01-01T10:00:30Z' }, '#/impact/7?asOf=2026-01-01T10:00:30Z'],
    [{ view: 'review', rank: 'coverage', asOf: '2026-01-01T10:00Z' }, '#/review?asOf=2026-01-01T10:00Z'],
    [{ view: 'review', rank: 'ochiai', asOf: '2026-01-01T10:00Z' }, '#/review?rank=ochiai&asOf=2026-01-01T10:00Z'],
  ] as const)('writes %j as %s and reads it back', (route, hash) => {
    expect(routeToHash(route)).toBe(hash);
    expect(hashToRoute(hash)).toEqual(route);
  });

  it('carries a zone offset through the URL intact', () => {
    const route = { view: 'trace', outputId: 'x', depth: null, asOf: '2026-01-01T12:00+02:00' } as const;
    expect(hashToRoute(routeToHash(route))).toEqual(route);
  });

  it('reads an escaped colon as well as a plain one', () => {
    expect(hashToRoute('#/trace/x?asOf=2026-01-01T10%3A00Z')).toEqual({
      view: 'trace',
      outputId: 'x',
      depth: null,
      asOf: '2026-01-01T10:00Z',
    });
  });

  it('ignores an asOf that is not a date-time, so the view shows now', () => {
    expect(hashToRoute('#/trace/x?asOf=yesterday')).toEqual({ view: 'trace', outputId: 'x', depth: null });
    expect(hashToRoute('#/review?asOf=2026-13-45T99:99Z')).toEqual({ view: 'review', rank: 'coverage' });
  });
});
