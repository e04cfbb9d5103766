/**
 * The one import of webextension-polyfill (style.md, principle 1). Everything outside
 * src/extension/platform/ reaches the browser through the small functions of this folder.
 */
import browser from 'webextension-polyfill';

export { browser };
export type { Runtime, Storage, WebRequest } from 'webextension-polyfill';
