import { browser } from './browser.ts';

/** URL of the active tab of the current window (the popup's page), if any. */
export async function activeTabUrl(): Promise<string | undefined> {
  const [tab] = await browser.tabs.query({ active: true, currentWindow: true });
  return tab?.url;
}
