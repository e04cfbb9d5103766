import type { SettingsView, SiteView, StatusView } from '../messages.ts';
import { showSettingsView } from '../options/settings-view.ts';
import { openOptionsPage } from '../platform/capabilities.ts';
import { localizePage, t } from '../platform/i18n.ts';
import { sendToBackground } from '../platform/messaging.ts';
import { rememberedPolicy, settingsStorage } from '../platform/settings-storage.ts';
import { activeTabUrl } from '../platform/tabs.ts';
import { drawSavingsChart } from './chart.ts';
import { describeSavings, formatBytes } from './format.ts';

const METERED_REASON = { setting: 'meteredSetting', 'save-data': 'meteredSaveData', cellular: 'meteredCellular' } as const;

function describe(s: StatusView): { status: string; network: string } {
  if (!s.enabled) return { status: t('statusOff'), network: '' };
  const network =
    s.sharing === 'off'
      ? t('lanOff')
      : s.network.sharingPaused
        ? t('lanPaused', t(METERED_REASON[s.network.reason ?? 'setting']))
        : s.sharing === 'no-lan-node'
          ? t('lanNone')
          : s.peers.state === 'running' && s.peers.lanNodes > 0
            ? `${t('lanOn')} ${t('peersConnected', [String(s.peers.lanNodes), String(s.peers.peers)])}`
            : s.peers.state === 'starting'
              ? t('lanOn')
              : t('lanUnreachable');
  // A LAN node address answered as another node than the one pinned (peers/lan-node-dial.ts).
  const refused = s.peers.refusedLanNodes?.[0];
  return { status: t(s.cacheEnabled ? 'cacheOn' : 'cacheOff'), network: refused ? `${network} ${t('lanNodeRefused', refused.address)}` : network };
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
  $<HTMLInputElement>('site-enabled').checked = !site.paused;
  $('site-stats').textContent = site.active ? t('siteStats', describeSavings(site.stats, t)) : t(site.paused ? 'sitePaused' : 'siteInactive');
}

/**
 * The on/off switch and its lock. The switch starts disabled (popup.html) and is set from the
 * settings the page reads itself (settings-view.ts), before the background's slower answers
 * (stats open the cache): a locked switch never looks switchable. Settings remembered from the
 * last policy seen (not `confirmed`) show their lock but leave the switch disabled.
 */
function renderSwitch(settings: SettingsView, confirmed: boolean): void {
  const locked = settings.locked.includes('enabled');
  $<HTMLInputElement>('enabled').checked = settings.values.enabled;
  $<HTMLInputElement>('enabled').disabled = locked || !confirmed;
  $('locked-note').hidden = !locked;
  performance.mark(confirmed ? 'peercache:settings-shown' : 'peercache:settings-remembered');
}

async function render(): Promise<void> {
  const shown = showSettingsView({ ...settingsStorage, readRemembered: rememberedPolicy.read }, renderSwitch).catch(async () =>
    renderSwitch(await sendToBackground({ type: 'ui-bg-get-settings' }), true),
  );
  const url = await pageUrl();
  const [status, stats, site] = await Promise.all([
    sendToBackground({ type: 'ui-bg-get-status' }),
    sendToBackground({ type: 'ui-bg-get-stats' }),
    url ? sendToBackground({ type: 'ui-bg-get-site', url }) : undefined,
    shown,
  ]);
  const text = describe(status);
  $('status').textContent = text.status;
  $('network').textContent = text.network;
  $('total-stats').textContent = t('totalStats', describeSavings(stats.total, t));
  const lan = stats.total.lanBytesIn + stats.total.lanBytesOut > 0;
  $('lan-stats').hidden = !lan;
  const upload = status.peers.upload;
  if (lan || upload) {
    $('lan-stats').hidden = false;
    $('lan-stats').textContent = [
      lan ? t('lanBytes', [formatBytes(stats.total.lanBytesIn), formatBytes(stats.total.lanBytesOut)]) : '',
      upload ? t('uploadMonth', [formatBytes(upload.usedBytes), formatBytes(upload.capBytes)]) : '',
    ].filter(Boolean).join(' ');
  }
  drawSavingsChart($('chart-bars') as unknown as SVGSVGElement, stats.daily);
  if (site) renderSite(site);
  document.body.classList.toggle('off', !status.enabled);
}

localizePage();
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
