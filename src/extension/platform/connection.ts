import type { ConnectionHints } from '../../core/metered.ts';

/**
 * The Network Information API where the browser offers it (Chromium, also in its service
 * worker; Firefox desktop does not). A web API, but a platform capability: kept here.
 */
export function connectionHints(): ConnectionHints | undefined {
  const c = (globalThis.navigator as { connection?: { saveData?: boolean; type?: string } } | undefined)?.connection;
  return c ? { saveData: c.saveData === true, ...(c.type ? { type: c.type } : {}) } : undefined;
}

/** Calls `listener` when the connection changes (Data Saver toggled, network switched). */
export function onConnectionChange(listener: () => void): void {
  const c = (globalThis.navigator as { connection?: EventTarget } | undefined)?.connection;
  c?.addEventListener?.('change', listener);
}
