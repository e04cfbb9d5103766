import { localizePage } from '../platform/i18n.ts';
import { sendToBackground } from '../platform/messaging.ts';
import { settingsStorage } from '../platform/settings-storage.ts';
import { wireDataActions } from './data-actions.ts';
import { renderOptions } from './render.ts';
import { readSettingsView } from './settings-view.ts';

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
  void page.refresh().then(() => {
    // The effective settings and their locks are on screen: `body.ready` for tests, a User
    // Timing mark for bench/startup.bench.ts (and anyone profiling the page in DevTools).
    performance.mark('peercache:settings-shown');
    document.body.classList.add('ready');
  });
}
