import type { Connection, Stream } from '@libp2p/interface';
import { multiaddr } from '@multiformats/multiaddr';
import { describe, expect, it } from 'vitest';
import { createStreamGate } from '../../../src/node/stream-gate.ts';

/** A stream that records whether it was reset, from a connection at `ip`. */
function from(ip: string, peer = `peer-${ip}`) {
  const stream = { aborted: undefined as Error | undefined, abort(e: Error) { this.aborted = e; } };
  const connection = { remoteAddr: multiaddr(`/ip4/${ip}/tcp/4002/ws`), remotePeer: { toString: () => peer } };
  return { stream, args: [stream as unknown as Stream, connection as unknown as Connection] as const };
}

/** A handler that stays in progress until `finish()`. */
function held() {
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  let calls = 0;
  return { handler: async () => void (calls++, await done), finish: () => finish(), calls: () => calls };
}

const tick = () => new Promise((r) => setTimeout(r, 10));

describe('stream gate', () => {
  it('resets a stream over the cap of its address at once, whatever peer id it comes under', async () => {
    const gate = createStreamGate({ maxTotal: 10, maxPerAddress: 2 });
    const h = held();
    const wrapped = gate.wrap(h.handler);
    const a = [from('10.0.0.2', 'a'), from('10.0.0.2', 'b'), from('10.0.0.2', 'c')];
    const running = a.map((s) => wrapped(...s.args));
    await tick();
    expect(h.calls()).toBe(2);
    expect(a[2]!.stream.aborted?.message).toMatch(/address/);
    const other = from('10.0.0.3');
    const otherRun = wrapped(...other.args);
    await tick();
    expect(h.calls()).toBe(3);
    h.finish();
    await Promise.all([...running, otherRun]);
    expect(gate.stats()).toEqual({ active: 0, waiting: 0, refused: 1 });
  });

  it('makes streams over the cap in all wait their turn, in order, and resets those that wait too long', async () => {
    const gate = createStreamGate({ maxTotal: 1, maxPerAddress: 5, waitMs: 200 });
    const order: string[] = [];
    let finish!: () => void;
    const first = new Promise<void>((r) => (finish = r));
    const wrapped = gate.wrap(async (stream) => {
      order.push((stream as unknown as { name: string }).name);
      if (order.length === 1) await first;
    });
    const named = (ip: string, name: string) => {
      const s = from(ip);
      Object.assign(s.stream, { name });
      return s;
    };
    const [one, two, three] = [named('10.0.0.2', 'one'), named('10.0.0.3', 'two'), named('10.0.0.4', 'three')];
    const runs = [wrapped(...one.args), wrapped(...two.args), wrapped(...three.args)];
    await tick();
    expect(gate.stats()).toMatchObject({ active: 1, waiting: 2 });
    finish();
    await Promise.all(runs);
    expect(order).toEqual(['one', 'two', 'three']);

    // Now one holds the slot longer than the others may wait.
    const h = held();
    const slow = gate.wrap(h.handler);
    const [a, b] = [from('10.0.0.2'), from('10.0.0.3')];
    const ra = slow(...a.args);
    const rb = slow(...b.args);
    await rb;
    expect(b.stream.aborted?.message).toMatch(/busy/);
    h.finish();
    await ra;
    expect(gate.stats()).toEqual({ active: 0, waiting: 0, refused: 1 });
  });

  it('resets at once when too many are waiting already', async () => {
    const gate = createStreamGate({ maxTotal: 1, maxPerAddress: 5, maxWaiting: 1 });
    const h = held();
    const wrapped = gate.wrap(h.handler);
    const s = [from('10.0.0.2'), from('10.0.0.3'), from('10.0.0.4')];
    const runs = s.map((x) => wrapped(...x.args));
    await runs[2];
    expect(s[2]!.stream.aborted).toBeDefined();
    h.finish();
    await Promise.all(runs);
    expect(h.calls()).toBe(2);
  });
});
