import { sendToBackground } from '../platform/messaging.ts';
import { settingsStorage } from '../platform/settings-storage.ts';
import { renderOptions } from './render.ts';

const root = document.getElementById('settings');
if (root) {
  const page = renderOptions(root, {
    load: () => sendToBackground({ type: 'ui-bg-get-settings' }),
    set: (name, value) => sendToBackground({ type: 'ui-bg-set-setting', name, value }),
  });
  // Policy can change while the page is open; show it at once.
  settingsStorage.onChange(() => void page.refresh());
  void page.refresh().then(() => document.body.classList.add('ready'));
}
