import type { SiteView, StatusView } from '../messages.ts';
import { openOptionsPage } from '../platform/capabilities.ts';
import { sendToBackground } from '../platform/messaging.ts';
import { activeTabUrl } from '../platform/tabs.ts';
import { describeSavings } from './format.ts';

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

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

/** The page the popup speaks about: the active tab, or `?url=` (the popup opened in a tab). */
async function pageUrl(): Promise<string | undefined> {
  return new URLSearchParams(location.search).get('url') ?? (await activeTabUrl().catch(() => undefined));
}

function renderSite(site: SiteView): void {
  $('site').hidden = !site.host;
  if (!site.host) return;
  $('site-host').textContent = site.host;
  ($<HTMLInputElement>('site-enabled')).checked = !site.paused;
  $('site-stats').textContent = site.active ? `On this site: ${describeSavings(site.stats)}` : site.paused ? 'Paused on this site.' : 'PeerCache does not act on this site.';
}

async function render(): Promise<void> {
  const url = await pageUrl();
  const [status, settings, stats, site] = await Promise.all([
    sendToBackground({ type: 'ui-bg-get-status' }),
    sendToBackground({ type: 'ui-bg-get-settings' }),
    sendToBackground({ type: 'ui-bg-get-stats' }),
    url ? sendToBackground({ type: 'ui-bg-get-site', url }) : undefined,
  ]);
  const locked = settings.locked.includes('enabled');
  $<HTMLInputElement>('enabled').checked = status.enabled;
  $<HTMLInputElement>('enabled').disabled = locked;
  $('locked-note').hidden = !locked;
  $('status').textContent = describe(status);
  $('total-stats').textContent = `In total: ${describeSavings(stats.total)}`;
  if (site) renderSite(site);
  document.body.classList.toggle('off', !status.enabled);
}

$('enabled').addEventListener('change', (e) => {
  const checked = (e.target as HTMLInputElement).checked;
  void sendToBackground({ type: 'ui-bg-set-setting', name: 'enabled', value: checked }).then(render);
});
$('site-enabled').addEventListener('change', (e) => {
  const enabled = (e.target as HTMLInputElement).checked;
  void pageUrl().then(async (url) => {
    if (url) renderSite(await sendToBackground({ type: 'ui-bg-set-site-paused', url, paused: !enabled }));
  });
});
$('open-options').addEventListener('click', (e) => {
  e.preventDefault();
  void openOptionsPage();
});
void render().then(() => document.body.classList.add('ready'));
