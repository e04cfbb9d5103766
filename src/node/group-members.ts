/**
 * Which group members' reports count toward a binding's holders (issue 10, item 1: a brake on
 * identity minting). Peer ids cost nothing to make, and `holders` decides what browsers serve
 * across sites (`minLanPeers`), so one member with a few ids could make any URL "popular". Two
 * brakes, both decided here:
 * - age: an id counts only once it has been a member (seen connected or reporting) for
 *   `minAgeMs` (default 10 minutes). Browsers keep their id across restarts
 *   (extension/background/peer-local-state.ts), so an honest browser pays this once, at install;
 *   ids minted for an attack wait too, and each must stay connected to age.
 * - address: at most `perAddress` ids of one IP address count for a binding (default 1: one
 *   machine, one vote; a terminal server whose users share an address needs more). Minting from
 *   one machine then adds nothing; an attacker needs as many addresses as votes.
 * The table is bounded; when full, ids not yet counted are let go first, so a flood of minted
 * ids cannot push out the members whose age already counts.
 */

/** Most members remembered, and most per address. */
const MAX_MEMBERS = 10_000;
const MAX_PER_ADDRESS = 64;

export interface SavedMember {
  readonly id: string;
  /** First seen (ms since the epoch). */
  readonly since: number;
  readonly lastSeen: number;
  /** IP address it was last seen from; absent when none was known (a relayed connection). */
  readonly address?: string;
}

interface Member {
  since: number;
  lastSeen: number;
  address: string | undefined;
}

export interface GroupMembers {
  /** `id` was seen connected or reporting from `address`; true when it is new here. */
  seen(id: string, address: string | undefined, now: number): boolean;
  /** How many of `ids` count at `now`: old enough, at most `perAddress` of each address. */
  count(ids: Iterable<string>, now: number): number;
  /** The address `id` was last seen from (its id itself when none is known). */
  addressOf(id: string): string;
  size(): number;
  toJSON(): SavedMember[];
}

export function createGroupMembers(init: { minAgeMs: number; perAddress: number; saved?: unknown }): GroupMembers {
  const members = new Map<string, Member>();
  /** Ids per address, so a full address is found without reading every member. */
  const byAddress = new Map<string, Set<string>>();
  const mature = (m: Member, now: number): boolean => now - m.since >= init.minAgeMs;

  function add(id: string, m: Member): void {
    members.set(id, m);
    if (m.address) byAddress.set(m.address, (byAddress.get(m.address) ?? new Set()).add(id));
  }
  function remove(id: string): void {
    const a = members.get(id)?.address;
    members.delete(id);
    const ids = a === undefined ? undefined : byAddress.get(a);
    ids?.delete(id);
    if (a !== undefined && ids?.size === 0) byAddress.delete(a);
  }
  function move(id: string, m: Member, address: string): void {
    if (m.address === address) return;
    remove(id);
    add(id, { ...m, address });
  }

  /**
   * The order members are let go in: those not counted yet first (the newest of them first),
   * then the least recently seen.
   */
  const evictionOrder = (now: number) => ([, a]: [string, Member], [, b]: [string, Member]): number =>
    Number(mature(a, now)) - Number(mature(b, now)) || (mature(a, now) ? a.lastSeen - b.lastSeen : b.since - a.since);

  for (const s of Array.isArray(init.saved) ? (init.saved as unknown[]) : []) {
    const m = s as Partial<SavedMember>;
    if (typeof m?.id !== 'string' || !Number.isFinite(m.since) || !Number.isFinite(m.lastSeen)) continue;
    add(m.id, { since: m.since!, lastSeen: m.lastSeen!, address: typeof m.address === 'string' ? m.address : undefined });
    if (members.size >= MAX_MEMBERS) break;
  }

  return {
    seen(id, address, now) {
      const m = members.get(id);
      if (m) {
        m.lastSeen = now;
        if (address) move(id, m, address);
        return false;
      }
      const same = address ? byAddress.get(address) : undefined;
      if (same && same.size >= MAX_PER_ADDRESS) {
        const [victim] = [...same].map((x): [string, Member] => [x, members.get(x)!]).sort(evictionOrder(now))[0]!;
        remove(victim);
      }
      // Full: a tenth goes at once, so a flood of new ids costs one sort per thousand, not one each.
      if (members.size >= MAX_MEMBERS) for (const [victim] of [...members].sort(evictionOrder(now)).slice(0, MAX_MEMBERS / 10)) remove(victim);
      add(id, { since: now, lastSeen: now, address });
      return true;
    },

    count(ids, now) {
      const perAddress = new Map<string, number>();
      let n = 0;
      for (const id of ids) {
        const m = members.get(id);
        if (!m || !mature(m, now)) continue;
        const a = m.address ?? id;
        const k = perAddress.get(a) ?? 0;
        if (k >= init.perAddress) continue;
        perAddress.set(a, k + 1);
        n++;
      }
      return n;
    },

    addressOf: (id) => members.get(id)?.address ?? id,
    size: () => members.size,
    toJSON: () => [...members].map(([id, m]) => ({ id, since: m.since, lastSeen: m.lastSeen, ...(m.address ? { address: m.address } : {}) })),
  };
}
