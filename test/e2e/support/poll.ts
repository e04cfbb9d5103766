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

/**
 * Views `https://<host>/` until the background counts the host as `data:`-safe for scripts
 * (at most three views): a page view whose two halves, response headers and content-script
 * report, straddle a restart of the background (Firefox suspends idle event pages) is skipped
 * by design, so a real user's next view counts. Returns whether it became safe.
 */
export async function viewUntilSafe(browser: { visit(url: string): Promise<UiPage & { close(): Promise<void> }> }, ui: UiPage, host: string): Promise<boolean> {
  const safe = async (): Promise<boolean> => ((await ui.send<ServingView>({ type: 'ui-bg-get-serving' })).safeHosts.script ?? []).includes(host);
  for (let view = 0; view < 3 && !(await safe()); view++) {
    const page = await browser.visit(`https://${host}/`);
    await page.waitUntil(() => document.title === 'ready', undefined);
    await page.close();
    if ((await pollUntil(safe, (s) => s, 5_000)) === true) return true;
  }
  return safe();
}
