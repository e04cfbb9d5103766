/**
 * Wiring: the Firefox serving engine (serving/firefox-engine.ts) with the browser's hooks.
 * Replaces engine.ts in the Firefox build (webpack.config.js, BrowserVariantPlugin).
 */
import { interceptSubresources, onDocumentHeaders } from '../platform/firefox/web-request.ts';
import type { EngineEnv, ServingEngine } from '../serving/engine-types.ts';
import { createFirefoxEngine } from '../serving/firefox-engine.ts';

/** Starts the engine; its listeners are registered before this returns. */
export function registerEngine(env: EngineEnv): ServingEngine {
  return createFirefoxEngine(env, { onDocumentHeaders, interceptSubresources });
}
