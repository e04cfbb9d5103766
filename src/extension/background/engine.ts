/**
 * Wiring: the Chromium serving engine (serving/chromium-engine.ts) with the browser's hooks.
 * The Firefox build takes engine.firefox.ts instead (webpack.config.js, BrowserVariantPlugin).
 */
import { onWake, wakeAt } from '../platform/alarms.ts';
import { updateSessionRules } from '../platform/chromium/dnr.ts';
import { onDataRedirect, onDocumentHeaders, onSubresourceResponse } from '../platform/chromium/web-request.ts';
import { readPageCache } from '../platform/chromium/page-cache.ts';
import { jsonState } from '../platform/local-state.ts';
import { createChromiumEngine } from '../serving/chromium-engine.ts';
import type { EngineEnv, ServingEngine } from '../serving/engine-types.ts';

/** Starts the engine; its listeners are registered before this returns. */
export function registerEngine(env: EngineEnv): ServingEngine {
  return createChromiumEngine(env, {
    updateSessionRules,
    onDocumentHeaders,
    onSubresourceResponse,
    onDataRedirect,
    wakeAt,
    onWake,
    sessionState: (key) => jsonState('session', key),
    // Called through a function: fetch refuses any `this` but the global scope.
    fetch: (input, init) => fetch(input, init),
    readPageCache,
    clock: () => performance.now(),
  });
}
