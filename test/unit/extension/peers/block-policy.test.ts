/**
 * What a peer gets from a browser (block-policy.ts), as a pure decision and with the reads it
 * makes recorded: a peer that is not a LAN node is refused a file that is not popular before
 * anything of the browser's own (its bindings, its blocks) is read, held or not.
 */
import { describe, expect, it } from 'vitest';
import { mergeSettings, type Settings } from '../../../../src/core/settings/index.ts';
import { blockStep, createPeerPolicy, type BlockFacts, type PeerPolicyInit } from '../../../../src/extension/peers/block-policy.ts';
import type { GroupBinding } from '../../../../src/p2p/bindings/index.ts';

const GROUP = { groupKey: 'ab'.repeat(32), trustGroupBindings: true, minLanPeers: 3 };
const base: BlockFacts = { sharing: true, penalised: false, lanNode: false, onList: false, minLanPeers: 3, groupShared: true };

describe('blockStep', () => {
  it('refuses everyone while sharing is off or the peer is penalised, before any read', () => {
    expect(blockStep({ ...base, sharing: false, onList: true, lanNode: true })).toEqual({ answer: false, reason: 'sharing-off' });
    expect(blockStep({ ...base, penalised: true, onList: true, lanNode: true })).toEqual({ answer: false, reason: 'penalised' });
  });

  it('answers a listed block to anyone, without reading the holder count', () => {
    expect(blockStep({ ...base, onList: true })).toEqual({ answer: true, reason: 'on-list' });
  });

  it('reads the group holder count, then answers a block minLanPeers members hold to anyone', () => {
    expect(blockStep(base)).toEqual({ read: 'holders' });
    expect(blockStep({ ...base, holders: 3 })).toEqual({ answer: true, reason: 'lan-popular' });
    expect(blockStep({ ...base, holders: 3, groupShared: false })).toEqual({ answer: true, reason: 'lan-popular' });
  });

  it('refuses a block that is not popular to any peer that is not a LAN node, without asking whether the group names it', () => {
    expect(blockStep({ ...base, holders: 2 })).toEqual({ answer: false, reason: 'not-popular' });
    expect(blockStep({ ...base, holders: 0, named: true })).toEqual({ answer: false, reason: 'not-popular' });
  });

  it('lets the LAN node have a block that is not popular only when the group\'s bindings name it', () => {
    const node = { ...base, lanNode: true, holders: 1 };
    expect(blockStep(node)).toEqual({ read: 'named' });
    expect(blockStep({ ...node, named: true })).toEqual({ answer: true, reason: 'group-named' });
    expect(blockStep({ ...node, named: false })).toEqual({ answer: false, reason: 'not-popular' });
    // Outside a group no bindings travel: the node gets popular blocks only.
    expect(blockStep({ ...node, groupShared: false })).toEqual({ answer: false, reason: 'not-popular' });
  });
});

/** A policy over plain data; `reads` records what it looked at, in order. */
function policyOver(opts: { settings?: Settings; lanNodes?: string[]; held?: Record<string, Uint8Array>; holders?: Record<string, number>; named?: string[]; listed?: string[] }) {
  const reads: string[] = [];
  const binding: GroupBinding = { url: 'https://a.test/x.js', mh: 'own', freshUntil: Date.now() + 1e6, holders: 1, type: 'text/javascript', corsAnyOrigin: true };
  const init: PeerPolicyInit = {
    settings: () => opts.settings,
    isListed: (k) => (opts.listed ?? []).includes(k),
    isLanNode: (p) => (opts.lanNodes ?? []).includes(p),
    isPenalised: () => false,
    holders: async (k) => (reads.push(`holders ${k}`), opts.holders?.[k] ?? 0),
    named: async (k) => (reads.push(`named ${k}`), (opts.named ?? []).includes(k)),
    block: async (k) => (reads.push(`block ${k}`), opts.held?.[k]),
    listedHeld: async () => (reads.push('listed'), (opts.listed ?? []).filter((k) => opts.held?.[k])),
    observed: async () => (reads.push('observed'), [binding]),
  };
  return { policy: createPeerPolicy(init), reads, binding };
}

describe('createPeerPolicy', () => {
  const settings = mergeSettings({ user: GROUP }).values;
  const bytes = new Uint8Array([1, 2, 3]);

  it('a member asking for a file only this browser holds gets the same refusal, after the same reads, as for one it lacks', async () => {
    const t = policyOver({ settings, lanNodes: ['node'], held: { own: bytes }, holders: { own: 1 }, named: ['own', 'lacking'] });
    expect(await t.policy.block('own', 'member')).toEqual({ status: 'refused' });
    expect(await t.policy.block('lacking', 'member')).toEqual({ status: 'refused' });
    // Only the group's count, alike in every member; never the bindings or the block.
    expect(t.reads).toEqual(['holders own', 'holders lacking']);
  });

  it('the LAN node gets the file, and not-found for one the group names that this browser lacks', async () => {
    const t = policyOver({ settings, lanNodes: ['node'], held: { own: bytes }, holders: { own: 1 }, named: ['own', 'lacking'] });
    expect(await t.policy.block('own', 'node')).toEqual({ status: 'found', bytes });
    expect(await t.policy.block('lacking', 'node')).toEqual({ status: 'not-found' });
    expect(await t.policy.block('private', 'node')).toEqual({ status: 'refused' });
    expect(t.reads).toEqual(['holders own', 'named own', 'block own', 'holders lacking', 'named lacking', 'block lacking', 'holders private', 'named private']);
  });

  it('popular files are found by anyone', async () => {
    const t = policyOver({ settings, held: { pop: bytes, jq: bytes }, holders: { pop: 3 }, listed: ['jq'] });
    expect(await t.policy.block('pop', 'member')).toEqual({ status: 'found', bytes });
    expect(await t.policy.block('jq', 'member')).toEqual({ status: 'found', bytes });
  });

  it('an upload limit of 0, or no settings yet, refuses even the LAN node', async () => {
    const zero = policyOver({ settings: mergeSettings({ user: { ...GROUP, maxUploadKbps: 0 } }).values, lanNodes: ['node'], held: { jq: bytes }, listed: ['jq'] });
    expect(await zero.policy.block('jq', 'node')).toEqual({ status: 'refused' });
    expect(await policyOver({ lanNodes: ['node'], held: { jq: bytes }, listed: ['jq'] }).policy.block('jq', 'node')).toEqual({ status: 'refused' });
  });

  it('/have and bindings: the LAN node gets the lists, anyone else empty ones without a read; only the LAN node\'s updates are taken', async () => {
    const t = policyOver({ settings, lanNodes: ['node'], held: { jq: bytes }, listed: ['jq'] });
    expect(await t.policy.have('member')).toEqual([]);
    expect(await t.policy.bindings('member')).toEqual([]);
    expect(t.reads).toEqual([]);
    expect(await t.policy.have('node')).toEqual(['jq']);
    expect(await t.policy.bindings('node')).toEqual([t.binding]);
    expect(t.policy.acceptsUpdate('node')).toBe(true);
    expect(t.policy.acceptsUpdate('member')).toBe(false);
  });
});
