import { browser } from './browser.ts';

/**
 * A named wake-up at a time: it survives the background being stopped, unlike a timer.
 * Browsers round up to at least 30 s from now.
 */
export function wakeAt(name: string, when: number): void {
  void browser.alarms.create(name, { when: Math.max(when, Date.now() + 30_000) });
}

/** Calls `listener` when the named alarm fires. Register at top level (MV3 lifecycle). */
export function onWake(name: string, listener: () => void): void {
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === name) listener();
  });
}
