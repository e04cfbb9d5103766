import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openGroupBindings } from '../../../src/node/group-bindings.ts';
import { MAX_BINDINGS, type GroupBinding } from '../../../src/p2p/bindings/index.ts';
import { tempDir } from '../../support/lan-node.ts';

const MH1 = 'EiDjsMRCmPwcFJr79MiZb7kkJ65B5GSbk0yklZkbeFK4VQ';
const MH2 = 'EiAtcRZCtyawRAFifKn7rDL1yFMPsZA8xNsCJYcXkhpIgQ';
const T0 = 1_800_000_000_000;
const b = (url: string, mh: string, over: Partial<GroupBinding> = {}): GroupBinding => ({ url, mh, freshUntil: T0 + 3_600_000, holders: 1, type: 'text/javascript', corsAnyOrigin: true, ...over });

async function book() {
  const dir = tempDir('book');
  let t = T0;
  const lines: string[] = [];
  const open = () => openGroupBindings({ dataDir: dir, now: () => t, log: (l) => lines.push(l) });
  return { dir, lines, open, advance: (ms: number) => void (t += ms) };
}

describe('the group bindings book', () => {
  it('counts distinct members per binding, without naming them: the same bytes at another URL do not count', async () => {
    const { open } = await book();
    const g = await open();
    g.report('peerA', [b('https://a.test/x.js', MH1)]);
    g.report('peerA', [b('https://a.test/x.js', MH1)]);
    g.report('peerC', [b('https://a.test/x.js', MH1)]);
    // A site's own copy of x.js is that site's file, however many members hold x.js elsewhere.
    g.report('peerB', [b('https://b.test/copy-of-x.js', MH1)]);
    expect(g.list().map((x) => [x.url, x.holders]).sort()).toEqual([['https://a.test/x.js', 2], ['https://b.test/copy-of-x.js', 1]]);
    expect(JSON.stringify(g.list())).not.toContain('peerA');
  });

  it('tells the hash most members reported when they disagree about a URL', async () => {
    const { open } = await book();
    const g = await open();
    g.report('liar', [b('https://a.test/x.js', MH2)]);
    g.report('peerA', [b('https://a.test/x.js', MH1)]);
    g.report('peerB', [b('https://a.test/x.js', MH1)]);
    expect(g.list()).toEqual([expect.objectContaining({ url: 'https://a.test/x.js', mh: MH1, holders: 2 })]);
  });

  it('forgets a binding when the freshness its origin gave ends', async () => {
    const { open, advance } = await book();
    const g = await open();
    g.report('peerA', [b('https://a.test/x.js', MH1, { freshUntil: T0 + 1000 })]);
    expect(g.list()).toHaveLength(1);
    advance(1000);
    expect(g.list()).toHaveLength(0);
    expect(g.size()).toBe(0);
  });

  it('survives a restart, and sets an unreadable file aside instead of failing', async () => {
    const { dir, open, lines } = await book();
    const g = await open();
    g.report('peerA', [b('https://a.test/x.js', MH1)]);
    await g.save();
    expect((await open()).list()).toEqual([expect.objectContaining({ url: 'https://a.test/x.js', holders: 1 })]);
    await writeFile(join(dir, 'group-bindings.json'), '{ torn');
    const again = await open();
    expect(again.list()).toEqual([]);
    expect(lines.join('\n')).toMatch(/unreadable .* set aside/);
    expect(await readFile(join(dir, 'group-bindings.json.corrupt'), 'utf8')).toBe('{ torn');
  });

  it('skips saved entries that are not valid bindings', async () => {
    const { dir, open } = await book();
    await writeFile(join(dir, 'group-bindings.json'), JSON.stringify({ entries: [
      { url: 'http://a.test/x.js', mh: MH1, freshUntil: T0 + 5000, type: 'text/javascript', corsAnyOrigin: true, reporters: ['p'], reportedAt: T0 },
      { url: 'https://a.test/y.js', mh: MH1, freshUntil: T0 + 5000, type: 'text/javascript', corsAnyOrigin: true, reporters: ['p'], reportedAt: T0 },
    ] }));
    expect((await open()).list().map((x) => x.url)).toEqual(['https://a.test/y.js']);
  });
});

describe('one member cannot fill the book', () => {
  const mhOf = (n: number): string => Buffer.concat([Buffer.from([0x12, 0x20]), createHash('sha256').update(String(n)).digest()]).toString('base64url');
  const spam = (from: number) => Array.from({ length: 3000 }, (_, i) => b(`https://spam.test/${from + i}.js`, mhOf(from + i)));

  it('keeps at most MAX_BINDINGS entries only one member reported, its oldest going first', async () => {
    const { open, advance } = await book();
    const g = await open();
    g.report('noisy', spam(0));
    advance(1000);
    g.report('noisy', spam(3000));
    const urls = new Set(g.list().map((x) => x.url));
    expect(g.size()).toBe(MAX_BINDINGS);
    expect(urls.has('https://spam.test/5999.js')).toBe(true); // the newest stay
    expect(urls.has('https://spam.test/0.js')).toBe(false); // the oldest went
  });

  it('answers what several members reported first, then each member in turn', async () => {
    const { open, advance } = await book();
    const g = await open();
    g.report('honest', [b('https://a.test/x.js', MH2)]);
    g.report('other', [b('https://b.test/shared.js', MH1)]);
    g.report('honest', [b('https://b.test/shared.js', MH1)]);
    advance(1000);
    g.report('noisy', spam(0));
    g.report('noisy', spam(3000));
    const answer = g.list();
    expect(answer).toHaveLength(MAX_BINDINGS);
    expect(answer[0]).toMatchObject({ url: 'https://b.test/shared.js', holders: 2 });
    // The honest member's only claim is older than all the noisy ones, and still in the answer.
    expect(answer.some((x) => x.url === 'https://a.test/x.js')).toBe(true);
  });

  it('merges another node\'s counts by maximum, never by sum, says what changed, and keeps them across a restart', async () => {
    const { open } = await book();
    const g = await open();
    const url = 'https://a.test/x.js';
    g.report('member-1', [b(url, MH1)]);
    // Node B counts three members for it (member-1 among them, reporting to both nodes).
    expect(g.merge('node-b', [b(url, MH1, { holders: 3 })])).toEqual([url]);
    expect(g.best(url)?.holders).toBe(3);
    // The same count again changes nothing: two nodes echoing each other stop here.
    expect(g.merge('node-b', [b(url, MH1, { holders: 3 })])).toEqual([]);
    // Another node's larger count of another hash wins the URL, as members outvoting would.
    expect(g.merge('node-c', [b(url, MH2, { holders: 5 })])).toEqual([url]);
    expect(g.best(url)).toMatchObject({ mh: MH2, holders: 5 });
    await g.save();
    const again = await open();
    expect(again.best(url)).toMatchObject({ mh: MH2, holders: 5 });
    expect(again.list().find((x) => x.url === url)?.holders).toBe(5);
  });

  it('tells another node counts without its own part: neither its merged count nor its report as one member comes back to it', async () => {
    const { open } = await book();
    const g = await open();
    const url = 'https://a.test/x.js';
    const other = 'https://a.test/y.js';
    // Node B is not configured here: its book arrives as one member's report.
    g.report('member-1', [b(url, MH1)]);
    g.report('node-b', [b(url, MH1), b(other, MH1)]);
    expect(g.best(url)?.holders).toBe(2);
    // Told back to B, its report would make B count member-1 twice (a count one too high).
    expect(g.best(url, 'node-b')?.holders).toBe(1);
    expect(g.list('node-b').find((x) => x.url === url)?.holders).toBe(1);
    // What only B brought is not told back to B at all; members still hear of it.
    expect(g.list('node-b').some((x) => x.url === other)).toBe(false);
    expect(g.best(other, 'node-b')).toBeUndefined();
    expect(g.list().some((x) => x.url === other)).toBe(true);
    // A configured node's merged count is likewise left out of what it is told: if its members
    // leave, its count must fall, not come back from here.
    g.merge('node-c', [b(url, MH1, { holders: 4 })]);
    expect(g.best(url)?.holders).toBe(4);
    expect(g.best(url, 'node-c')?.holders).toBe(2);
  });
});
