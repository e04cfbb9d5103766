/**
 * Firefox copies response bodies for learning as they stream to the page; a page that starts
 * hundreds of admissible responses at once must not make the background hold them all (issue 10,
 * item 2). The engine runs on a real cache (fake-indexeddb) with the browser as plain functions.
 */
import { afterEach, expect, it } from 'vitest';
import { mergeSettings } from '../../../src/core/settings/index.ts';
import type { CacheContext, HashListIndex } from '../../../src/extension/cache/context.ts';
import { createLearner } from '../../../src/extension/cache/learner.ts';
import type { ResponseAction, SubresourceHooks, TeeRequest } from '../../../src/extension/platform/firefox/web-request.ts';
import { MAX_COPIES, MAX_COPY_BYTES } from '../../../src/extension/serving/copy-limit.ts';
import type { EngineEnv, SiteSafetyView } from '../../../src/extension/serving/engine-types.ts';
import { createFirefoxEngine } from '../../../src/extension/serving/firefox-engine.ts';
import type { Store } from '../../../src/store/index.ts';
import { openMemoryStore } from '../../support/memory-store.ts';

let store: Store | undefined;
afterEach(() => store?.close());

const HEADERS = [
  { name: 'content-type', value: 'text/javascript' },
  { name: 'cache-control', value: 'public, max-age=86400' },
];
const MB = 1024 * 1024;

async function firefoxEngine() {
  store = await openMemoryStore({ maxCacheBytes: () => 512 * MB });
  const noList: HashListIndex = { lookup: () => undefined, urlsFor: () => [], isListed: () => false, packagedFile: () => undefined };
  const settings = { ...mergeSettings({}).values, requirePopular: false };
  const ctx: CacheContext = { store, hashList: noList, settings: () => settings, pausedSites: () => [], now: Date.now, log: () => undefined };
  const learner = createLearner(ctx, () => undefined);
  const safety = { isSafe: () => false, frameAllows: () => false, documentHeaders: () => undefined } as unknown as SiteSafetyView;
  const env: EngineEnv = { cache: async () => ctx, learner: async () => learner, peers: { fetch: async () => 'unavailable', lookup: async () => 'unavailable' }, safety, maxAssetBytes: () => 10 * MB, log: () => undefined };
  let hooks: SubresourceHooks | undefined;
  createFirefoxEngine(env, { onDocumentHeaders: () => undefined, interceptSubresources: (h) => void (hooks = h) });
  await env.learner();
  await new Promise((r) => setTimeout(r, 0)); // the engine takes its learner when it is ready
  /** A page's request for `url` goes out and its response headers arrive. */
  const respond = async (i: number): Promise<ResponseAction> => {
    const r = { requestId: String(i), url: `https://cdn.evil.test/junk.js?i=${i}`, method: 'GET', type: 'script', tabId: 1, frameId: 0, documentUrl: 'https://evil.test/' };
    await hooks!.beforeSend({ ...r, requestHeaders: [{ name: 'Sec-Fetch-Mode', value: 'no-cors' }] });
    return hooks!.headers({ ...r, statusCode: 200, responseHeaders: HEADERS });
  };
  return { respond, store };
}

const teeOf = (a: ResponseAction): TeeRequest | undefined => (a && 'tee' in a ? a.tee : undefined);

it('copies at most MAX_COPIES bodies at once; past them responses are left alone, and a slot comes back when a copy ends', async () => {
  const { respond } = await firefoxEngine();
  const actions = [];
  for (let i = 0; i < 200; i++) actions.push(await respond(i));
  const tees = actions.map(teeOf);
  expect(tees.filter(Boolean)).toHaveLength(MAX_COPIES);
  // Past the bound: no filter at all, so the page's response is untouched.
  expect(actions.slice(MAX_COPIES).every((a) => a === undefined)).toBe(true);

  tees[0]!.onBody(undefined); // a copy ended (failed, or too large)
  expect(teeOf(await respond(1000))).toBeDefined();
  expect(await respond(1001)).toBeUndefined();
});

it('drops copies past the bytes all copies may hold, and learns the ones kept', async () => {
  const { respond, store } = await firefoxEngine();
  const tees = [];
  for (let i = 0; i < MAX_COPIES; i++) tees.push(teeOf(await respond(i))!);
  // Each copy streams 8 MiB (under maxAssetMB): the bytes held reach MAX_COPY_BYTES at 8 of them.
  const chunk = 8 * MB;
  const kept = tees.map((t) => t.reserve(chunk));
  expect(kept.filter(Boolean)).toHaveLength(MAX_COPY_BYTES / chunk);
  // A copy that was kept ends whole: learned as before.
  const body = new TextEncoder().encode('window.junk = 0;');
  tees[0]!.onBody(body);
  await expect.poll(async () => (await store.bindings.lookup('https://cdn.evil.test/junk.js?i=0', Date.now())) !== undefined).toBe(true);
});
