import { browser } from './browser.ts';

/** A message of the UI language (`_locales`); `key` itself when it is missing, so it shows. */
export function t(key: string, substitutions?: string | string[]): string {
  return browser.i18n.getMessage(key, substitutions) || key;
}

/** Fills every `[data-i18n]` element's text with its message (the static parts of the pages). */
export function localizePage(root: ParentNode = document): void {
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n]')) el.textContent = t(el.dataset.i18n as string);
  document.documentElement.lang = browser.i18n.getUILanguage();
}
