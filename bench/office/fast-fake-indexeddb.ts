// Simulation harness only: fake-indexeddb (the stand-in for a browser's IndexedDB) walks a key
// range through nested generators (`yield*` at every level of its red-black tree), so a full scan
// of n records costs n x depth generator resumptions. The product's store scans its blob table
// on every put (store/blobs.ts: eviction) and lists it whenever it tells the LAN node what it
// learned; with hundreds of blobs in each of dozens of simulated browsers that walk was a fifth
// of the benchmark's CPU. This replaces the walk, in this process only, by an explicit stack
// that visits the same nodes in the same order and yields the same records at the same moments
// (each node's comparisons are made when the walk reaches it, as before). A browser's native
// IndexedDB has no such cost, so this changes the simulation's speed, not what it measures.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

interface TreeNode {
  record: { key: unknown };
  left?: TreeNode;
  right?: TreeNode;
  deleted: boolean;
}
interface KeyRange {
  lower: unknown;
  upper: unknown;
  lowerOpen: boolean;
  upperOpen: boolean;
}
type Compare = (a: unknown, b: unknown) => number;

let installed = false;

/** Installs the iterative walk (idempotent). `cmpKeys` is fake-indexeddb's own key order. */
export async function speedUpFakeIndexedDb(): Promise<void> {
  if (installed) return;
  installed = true;
  // The very modules fake-indexeddb's ESM build loads (its package exports do not name them).
  const lib = join(dirname(createRequire(import.meta.url).resolve('fake-indexeddb')), '..', 'esm', 'lib');
  const { cmpKeys } = (await import(pathToFileURL(join(lib, 'cmp.js')).href)) as { cmpKeys: Compare };
  const tree = (await import(pathToFileURL(join(lib, 'binarySearchTree.js')).href)) as { default: { prototype: Record<string, unknown> } };
  const proto = tree.default.prototype;
  proto['_findRecords'] = function* (this: { _keysAreUnique: boolean }, root: TreeNode, keyRange: KeyRange, descending = false): Generator<unknown> {
    const { lower, upper, lowerOpen, upperOpen } = keyRange;
    const start = descending ? 'right' : 'left';
    const end = descending ? 'left' : 'right';
    // A frame: a node reached (comparisons made), whether its start side is done.
    const stack: { node: TreeNode; matches: boolean; moreEnd: boolean }[] = [];
    const enter = (node: TreeNode): void => {
      for (let n: TreeNode | undefined = node; n; ) {
        const key: unknown = n.record.key;
        const lowerComparison: number = lower === undefined ? -1 : cmpKeys(lower, key);
        const upperComparison: number = upper === undefined ? 1 : cmpKeys(upper, key);
        const moreLeft: boolean = this._keysAreUnique ? lowerComparison < 0 : lowerComparison <= 0;
        const moreRight: boolean = this._keysAreUnique ? upperComparison > 0 : upperComparison >= 0;
        const lowerMatches = lowerOpen ? lowerComparison < 0 : lowerComparison <= 0;
        const upperMatches = upperOpen ? upperComparison > 0 : upperComparison >= 0;
        stack.push({ node: n, matches: lowerMatches && upperMatches, moreEnd: descending ? moreLeft : moreRight });
        const moreStart: boolean = descending ? moreRight : moreLeft;
        n = moreStart ? n[start] : undefined;
      }
    };
    enter(root);
    while (stack.length > 0) {
      const frame = stack.pop()!;
      if (frame.matches && !frame.node.deleted) yield frame.node.record;
      const next = frame.moreEnd ? frame.node[end] : undefined;
      if (next) enter(next);
    }
  };
}
