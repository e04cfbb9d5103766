import type { StatusView } from '../messages.ts';
import { openOptionsPage } from '../platform/capabilities.ts';
import { sendToBackground } from '../platform/messaging.ts';

function describe(s: StatusView): string {
  if (!s.enabled) return 'PeerCache is off. Pages load exactly as without it.';
  const cache = s.cacheEnabled ? 'The shared cache is on.' : 'The shared cache is turned off.';
  const lan = {
    off: 'Sharing with the local network is off.',
    'no-lan-node': 'No LAN node is configured, so nothing is shared.',
    configured: 'Sharing with your local network.',
  }[s.sharing];
  return `${cache} ${lan}`;
}

async function render(): Promise<void> {
  const [status, settings] = await Promise.all([
    sendToBackground({ type: 'ui-bg-get-status' }),
    sendToBackground({ type: 'ui-bg-get-settings' }),
  ]);
  const toggle = document.getElementById('enabled') as HTMLInputElement;
  const text = document.getElementById('status') as HTMLElement;
  const lockNote = document.getElementById('locked-note') as HTMLElement;
  const locked = settings.locked.includes('enabled');
  toggle.checked = status.enabled;
  toggle.disabled = locked;
  lockNote.hidden = !locked;
  text.textContent = describe(status);
  document.body.classList.toggle('off', !status.enabled);
}

document.getElementById('enabled')?.addEventListener('change', (e) => {
  const checked = (e.target as HTMLInputElement).checked;
  void sendToBackground({ type: 'ui-bg-set-setting', name: 'enabled', value: checked }).then(render);
});
document.getElementById('open-options')?.addEventListener('click', (e) => {
  e.preventDefault();
  void openOptionsPage();
});
void render().then(() => document.body.classList.add('ready'));
