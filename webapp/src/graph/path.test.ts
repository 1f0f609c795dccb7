import { describe, expect, it } from 'vitest';
import { chainTrace, flow, io, run } from './fixtures';
import { findPath } from './path';

describe('findPath', () => {
  const { nodes, edges } = chainTrace();

  it('follows data flow from an input to the traced output', () => {
    const path = findPath(nodes, edges, 'io:a', 'io:out');
    expect(path?.nodes).toEqual(['io:a', 'run:2', 'io:b', 'run:3', 'io:out']);
    expect(path?.directed).toBe(true);
    expect([...(path?.edges ?? [])]).toEqual(['io:a->run:2', 'run:2->io:b', 'io:b->run:3', 'run:3->io:out']);
  });

  it('finds the same chain when the nodes are picked the other way round', () => {
    expect(findPath(nodes, edges, 'io:out', 'io:a')?.nodes).toEqual(['io:a', 'run:2', 'io:b', 'run:3', 'io:out']);
  });

  it('links two runs that share an input against the flow and says so', () => {
    const shared = [io('x'), run(1, 0), run(2, 0)];
    const links = [flow('io:x', 'run:1', 'consumed'), flow('io:x', 'run:2', 'consumed')];
    const path = findPath(shared, links, 'run:1', 'run:2');
    expect(path?.nodes).toEqual(['run:1', 'io:x', 'run:2']);
    expect(path?.directed).toBe(false);
  });

  it('returns null for unknown or disconnected nodes', () => {
    expect(findPath(nodes, edges, 'io:a', 'io:nope')).toBeNull();
    expect(findPath([run(1, 0), run(2, 0)], [], 'run:1', 'run:2')).toBeNull();
  });
});
