/**
 * Polls `check` (sync or async) every `everyMs` until it holds; throws after `ms` naming what
 * was awaited, so a test never hangs and its failure says which wait ran out. (vitest's
 * expect.poll does this for a value asserted on; this is for a condition to await.)
 */
export async function waitFor(check: () => boolean | Promise<boolean>, ms: number, what: string, everyMs = 50): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
