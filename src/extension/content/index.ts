/**
 * Content script: it can LEARN, not intercept (a document_start script loses the race against
 * the preload scanner, platform-notes.md). After the document is parsed it reports what the
 * network layer cannot see: `<meta http-equiv="Content-Security-Policy">` policies (they decide
 * whether `data:` may be served on this site) and the `integrity` attributes the page declares.
 */
// Not platform/messaging.ts: that one pulls in webextension-polyfill (~40 KB) for one message.
import { sendFromContentScript } from '../platform/content-messaging.ts';

const metaCsp = [...document.querySelectorAll<HTMLMetaElement>('meta[http-equiv]')]
  .filter((m) => m.httpEquiv.toLowerCase() === 'content-security-policy')
  .map((m) => m.content);

const integrity = [...document.querySelectorAll<HTMLScriptElement | HTMLLinkElement>('script[src][integrity], link[href][integrity]')]
  .slice(0, 500) // bounded: a page cannot make the background do unbounded work
  .map((el) => ({ url: el instanceof HTMLScriptElement ? el.src : el.href, integrity: el.integrity }));

void sendFromContentScript({ type: 'cs-bg-page-report', metaCsp: metaCsp.slice(0, 20), integrity }).catch(() => undefined);
