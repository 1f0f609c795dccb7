import { describe, expect, it } from 'vitest';
import { staleLegend } from '../components/Staleness';
import { kindsOf, staleKindsByRun, toStaleness, type RawStaleness } from './staleness';

/** A retrained model: inference 7 used model run 3, train 9 is newer; predict 8 is stale behind it. */
const RAW: RawStaleness = {
  __typename: 'StalenessReport',
  target: 'pred-1',
  fresh: false,
  asOf: null,
  runs: [
    { run: { id: 3, componentName: 'train' }, reasons: [] },
    {
      run: { id: 7, componentName: 'inference' },
      reasons: [
        { kind: 'DATA', message: 'train has a newer run 9 than run 3 used', cause: { id: 9 }, rootCauses: [] },
        { kind: 'CODE', message: 'a later inference run 11 has another git hash', cause: { id: 11 }, rootCauses: null },
      ],
    },
    {
      run: { id: 8, componentName: 'post' },
      reasons: [{ kind: 'UPSTREAM', message: 'inference run 7 is stale', cause: { id: 7 }, rootCauses: [{ id: 7 }] }],
    },
  ],
  plan: [
    { order: 1, component: 'inference', run: { id: 7 }, reasons: [{ kind: 'DATA', message: 'newer train', cause: { id: 9 } }] },
    { order: 2, component: 'post', run: { id: 8 }, reasons: [{ kind: 'UPSTREAM', message: 'upstream', cause: { id: 7 } }] },
  ],
};

describe('toStaleness', () => {
  it('maps the report, its reasons and the plan in order', () => {
    const report = toStaleness(RAW);
    expect(report).toEqual({
      target: 'pred-1',
      fresh: false,
      asOf: null,
      runs: [
        { runId: 3, componentName: 'train', reasons: [] },
        {
          runId: 7,
          componentName: 'inference',
          reasons: [
            { kind: 'DATA', message: 'train has a newer run 9 than run 3 used', causeId: 9, rootCauseIds: [] },
            { kind: 'CODE', message: 'a later inference run 11 has another git hash', causeId: 11, rootCauseIds: [] },
          ],
        },
        { runId: 8, componentName: 'post', reasons: [{ kind: 'UPSTREAM', message: 'inference run 7 is stale', causeId: 7, rootCauseIds: [7] }] },
      ],
      plan: [
        { order: 1, component: 'inference', runId: 7, reasons: [{ kind: 'DATA', message: 'newer train', causeId: 9, rootCauseIds: [] }] },
        { order: 2, component: 'post', runId: 8, reasons: [{ kind: 'UPSTREAM', message: 'upstream', causeId: 7, rootCauseIds: [] }] },
      ],
    });
  });

  it('gives no report for NotFound or a missing answer', () => {
    expect(toStaleness({ __typename: 'NotFound', message: 'No output x' })).toBeNull();
    expect(toStaleness(undefined)).toBeNull();
  });
});

describe('stale kinds', () => {
  it('lists each kind once in the fixed order', () => {
    const report = toStaleness(RAW);
    expect(kindsOf([...(report?.runs[1]?.reasons ?? []), ...(report?.runs[1]?.reasons ?? [])].reverse())).toEqual(['DATA', 'CODE']);
  });

  it('marks only the runs that have reasons', () => {
    expect(Object.fromEntries(staleKindsByRun(toStaleness(RAW)))).toEqual({ 7: ['DATA', 'CODE'], 8: ['UPSTREAM'] });
    expect(staleKindsByRun(null).size).toBe(0);
  });

  it('counts the runs of each kind for the legend, leaving out kinds not present', () => {
    expect(staleLegend(toStaleness(RAW)).map((i) => [i.swatch, i.count])).toEqual([
      ['stale-data', 1],
      ['stale-code', 1],
      ['stale-upstream', 1],
    ]);
    expect(staleLegend(null)).toEqual([]);
  });
});
