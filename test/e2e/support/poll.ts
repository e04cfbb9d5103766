import type { ServingView, StatusView } from '../../../src/extension/messages.ts';
import type { UiPage } from './extension-browser.ts';

/**
 * Reads `read()` until `ready` holds or `timeoutMs` passes (bounded), and returns the last
 * value: the caller asserts on it, so a timeout fails with what was actually seen.
 */
export async function pollUntil<T>(read: () => Promise<T>, ready: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!ready(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    value = await read();
  }
  return value;
}

/** The background's serving view, once `ready` holds. */
export const servingUntil = (ui: UiPage, ready: (v: ServingView) => boolean): Promise<ServingView> =>
  pollUntil(() => ui.send<ServingView>({ type: 'ui-bg-get-serving' }), ready);

/** The background's status, once `ready` holds. */
export const statusUntil = (ui: UiPage, ready: (s: StatusView) => boolean): Promise<StatusView> =>
  pollUntil(() => ui.send<StatusView>({ type: 'ui-bg-get-status' }), ready);
