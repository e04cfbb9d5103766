import { parseHashList } from '../../core/hash-list/index.ts';
import type { HashListIndex } from '../cache/context.ts';
import { extensionUrl } from '../platform/capabilities.ts';

/** The public hash list shipped inside the extension (built by `npm run hash-list`). */
export async function loadHashList(): Promise<HashListIndex> {
  const res = await fetch(extensionUrl('hash-list.bin'));
  if (!res.ok) throw new Error(`hash-list.bin: HTTP ${res.status}`);
  return parseHashList(new Uint8Array(await res.arrayBuffer()));
}
