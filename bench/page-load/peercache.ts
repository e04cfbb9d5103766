// PeerCache made ready to answer the bench page on site-b: the scripts learned from two other
// sites (Chromium downloads a file again only once a second site loaded it, learning-cost.ts),
// site-b seen once (its CSP admits `data:`), `requirePopular` off (the bench files are on no
// public list). Set up with automation attached; measured without (quiet-browser.ts).
import { CHROME_EXTENSION_ID } from '../../scripts/browsers/paths.ts';
import type { ServingView } from '../../src/extension/messages.ts';
import type { QuietChromium, QuietFirefox } from './quiet-browser.ts';
import { MEASURED, SCRIPTS, type BenchWeb } from './web.ts';

const ready = (v: ServingView, servable: number): boolean => v.servable >= servable && (v.safeHosts.script ?? []).includes(MEASURED);
const LEARN = (web: BenchWeb): string[] => [web.url('learn', 'site-a.test'), web.url('learn', 'site-c.test'), `https://${MEASURED}/`];

async function until<T>(what: string, read: () => Promise<T>, done: (v: T) => boolean, again: () => Promise<void>): Promise<T> {
  const deadline = Date.now() + 90_000;
  let nextTry = Date.now() + 15_000;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what} not ready after 90 s: ${JSON.stringify(v)}`);
    // A view whose two halves straddle a restart of the background is skipped by design
    // (poll.ts, viewUntilSafe): view the pages again now and then.
    if (Date.now() > nextTry) {
      await again();
      nextTry = Date.now() + 15_000;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Chromium: teaches PeerCache the scripts and waits until its session rules answer them; returns those rules. */
export async function readyChromium(browser: QuietChromium, web: BenchWeb, learn = true): Promise<object[]> {
  return browser.attached(async (b) => {
    const context = b.contexts()[0]!;
    const ui = await context.newPage();
    await ui.goto(`chrome-extension://${CHROME_EXTENSION_ID}/options.html`);
    await ui.waitForSelector('body.ready', { timeout: 20_000 });
    const ask = <T>(message: unknown): Promise<T> => ui.evaluate((m) => chrome.runtime.sendMessage(m), message) as Promise<T>;
    const tab = await context.newPage();
    const visit = async (): Promise<void> => {
      for (const url of LEARN(web)) await tab.goto(url, { waitUntil: 'load' });
    };
    if (learn) {
      await ask({ type: 'ui-bg-set-setting', name: 'requirePopular', value: false });
      await visit();
    }
    await until('PeerCache (Chromium)', () => ask<ServingView>({ type: 'ui-bg-get-serving' }), (v) => ready(v, SCRIPTS), visit);
    const rules = (await ui.evaluate(() => chrome.declarativeNetRequest.getSessionRules())) as object[];
    await tab.close();
    await ui.close();
    return rules;
  });
}

/** Firefox: the same through BiDi (the extension opened its options tab on install). */
export async function readyFirefox(browser: QuietFirefox, web: BenchWeb): Promise<void> {
  type Tree = { contexts: { context: string; url: string }[] };
  const ui = await until('the options tab', async () => ((await browser.bidi('browsingContext.getTree', {})) as Tree).contexts.find((c) => c.url.startsWith('moz-extension:'))?.context, (c) => c !== undefined, async () => undefined);
  const ask = async <T>(message: unknown): Promise<T> => {
    const r = (await browser.bidi('script.evaluate', { expression: `browser.runtime.sendMessage(${JSON.stringify(message)}).then(JSON.stringify)`, target: { context: ui }, awaitPromise: true })) as { result: { value: string } };
    return JSON.parse(r.result.value) as T;
  };
  const tab = ((await browser.bidi('browsingContext.getTree', {})) as Tree).contexts.find((c) => c.context !== ui)!.context;
  const visit = async (): Promise<void> => {
    for (const url of LEARN(web)) await browser.bidi('browsingContext.navigate', { context: tab, url, wait: 'complete' });
  };
  await ask({ type: 'ui-bg-set-setting', name: 'requirePopular', value: false });
  await visit();
  // Firefox serves every cached file (its `servable` is what it holds).
  await until('PeerCache (Firefox)', () => ask<ServingView>({ type: 'ui-bg-get-serving' }), (v) => ready(v, SCRIPTS), visit);
  await browser.bidi('browsingContext.close', { context: ui });
}
