import { localizePage } from '../platform/i18n.ts';
import { sendToBackground } from '../platform/messaging.ts';
import { rememberedPolicy, settingsStorage } from '../platform/settings-storage.ts';
import { wireDataActions } from './data-actions.ts';
import { renderOptions } from './render.ts';
import { readSettingsView, showSettingsView } from './settings-view.ts';

localizePage();
const root = document.getElementById('settings');
if (root) {
  const page = renderOptions(root, {
    // Read here rather than asked of the background: no wait for a background that is starting
    // or busy (bench startup). Should storage fail, the background's own answer still comes.
    load: () => readSettingsView(settingsStorage).catch(() => sendToBackground({ type: 'ui-bg-get-settings' })),
    set: (name, value) => sendToBackground({ type: 'ui-bg-set-setting', name, value }),
  });
  wireDataActions({
    clearCache: () => sendToBackground({ type: 'ui-bg-clear-cache' }),
    stats: () => sendToBackground({ type: 'ui-bg-get-stats' }),
    forgetLanNodeIds: () => sendToBackground({ type: 'ui-bg-forget-lan-node-ids' }),
    confirm: (q) => window.confirm(q),
  });
  // Policy can change while the page is open; show it at once.
  settingsStorage.onChange(() => void page.refresh());
  const shown = showSettingsView({ ...settingsStorage, readRemembered: rememberedPolicy.read }, (view, confirmed) => {
    page.show(view, confirmed);
    // Locks last seen on screen, fields disabled until the real policy confirms them: a mark
    // for bench/startup.bench.ts, with how many were shown.
    if (!confirmed) performance.mark('peercache:settings-remembered', { detail: { locked: view.locked.length } });
  });
  // Should storage fail, the background's own answer still comes.
  void shown.then(undefined, () => page.refresh()).then(() => {
    // The effective settings and their locks are on screen, confirmed: `body.ready` for tests,
    // a User Timing mark for bench/startup.bench.ts (and anyone profiling the page in DevTools).
    performance.mark('peercache:settings-shown');
    document.body.classList.add('ready');
  });
}
