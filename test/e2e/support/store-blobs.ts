import { createHash } from 'node:crypto';

/** One blob as IndexedDB holds it: its metadata's size, the bytes' length and their sha384 key. */
export interface BlobCheck {
  mh: string;
  size: number;
  bytes: number | undefined;
  sha384: string | undefined;
}

/** The store key (multihash, base64url) of a sha384 blob, as the extension writes it. */
export const sha384Key = (body: string | Uint8Array): string =>
  Buffer.concat([Buffer.from([0x20, 48]), createHash('sha384').update(body).digest()]).toString('base64url');

/**
 * Every blob the store holds, read straight from IndexedDB. Runs INSIDE an extension page
 * (`page.evaluate(blobsInStore)`), not through the background: the background is what the
 * fault tests kill. Bytes without metadata are listed with size -1: a partial blob too.
 */
export async function blobsInStore(): Promise<BlobCheck[]> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const open = indexedDB.open('peercache');
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  const all = <T,>(table: string): Promise<T[]> =>
    new Promise((resolve, reject) => {
      const q = db.transaction(table).objectStore(table).getAll();
      q.onsuccess = () => resolve(q.result as T[]);
      q.onerror = () => reject(q.error);
    });
  const metas = await all<{ mh: string; size: number }>('blobMeta');
  const bytes = new Map((await all<{ mh: string; bytes: Uint8Array<ArrayBuffer> }>('blobBytes')).map((b) => [b.mh, b.bytes]));
  const out: BlobCheck[] = [];
  for (const m of metas) {
    const b = bytes.get(m.mh);
    let sha384: string | undefined;
    if (b) {
      const d = new Uint8Array(await crypto.subtle.digest('SHA-384', b));
      sha384 = btoa(String.fromCharCode(0x20, 48, ...d)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    }
    out.push({ mh: m.mh, size: m.size, bytes: b?.byteLength, sha384 });
  }
  for (const [mh, b] of bytes) if (!metas.some((m) => m.mh === mh)) out.push({ mh, size: -1, bytes: b.byteLength, sha384: undefined });
  db.close();
  return out;
}
