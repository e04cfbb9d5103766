/**
 * The background: it only wires (style.md). Chromium runs it as a service worker, Firefox as
 * an event page; both may stop it when idle and start it again for the next event.
 */
import { isRequest, toView, type MessageHandlers } from '../messages.ts';
import { onUserInstall, openOptionsPage } from '../platform/capabilities.ts';
import { serveMessages } from '../platform/messaging.ts';
import { settingsStorage } from '../platform/settings-storage.ts';
import { createSettingsService } from './settings-service.ts';
import { statusOf } from './status.ts';

const startedAt = Date.now();
const settings = createSettingsService({ storage: settingsStorage, log: (line) => console.warn(line) });

const handlers: MessageHandlers = {
  'ui-bg-get-settings': async () => toView(await settings.current()),
  'ui-bg-set-setting': async ({ name, value }) => {
    const r = await settings.set(name, value);
    return r.ok ? { ok: true, view: toView(r.settings) } : r;
  },
  'ui-bg-get-status': async () => statusOf(await settings.current(), startedAt),
};

// Listeners are registered synchronously at the top level: a service worker woken by an event
// only delivers it to listeners added during the script's first run.
serveMessages(handlers, isRequest);
settingsStorage.onChange(() => void settings.reload());
// A new user first sees what PeerCache does and its few switches.
onUserInstall(() => void openOptionsPage());
void settings.current();
