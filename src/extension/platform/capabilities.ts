/**
 * The extension's own pages and its install. (What differs between the browsers is not
 * detected at run time: the build picks each browser's files by name, webpack.config.js.)
 */
import { browser } from './browser.ts';

/** The URL of one of the extension's own pages. */
export function extensionUrl(path: string): string {
  return browser.runtime.getURL(path);
}

/**
 * Opens the options page in a new tab. `tabs.create` rather than `runtime.openOptionsPage`:
 * Firefox's WebDriver BiDi cannot see the tab the latter opens, and our e2e tests drive it.
 */
export async function openOptionsPage(): Promise<void> {
  await browser.tabs.create({ url: browser.runtime.getURL('options.html') });
}

/**
 * Calls `listener` once when the extension is first installed by the user. An installation by
 * enterprise policy (`installType` "admin") stays silent: a fleet must not get a new tab each.
 * Registered synchronously at the top level (the install event fires once, at first start).
 */
export function onUserInstall(listener: () => void): void {
  browser.runtime.onInstalled.addListener((details) => {
    if (details.reason !== 'install') return;
    void browser.management
      .getSelf()
      .then((self) => self.installType !== 'admin')
      .catch(() => true)
      .then((byUser) => {
        if (byUser) listener();
      });
  });
}
