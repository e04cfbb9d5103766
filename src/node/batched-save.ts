/**
 * A book written at most every 2 s however often it changes: members report every file they
 * learn, and rewriting (and fsyncing) a book after each report let any member keep the node's
 * disk busy (issue 10, item 4). What changed in the last 2 s before a crash is taken again from
 * the members when they reconnect (the node asks each for its bindings).
 */
export const SAVE_EVERY_MS = 2_000;

/** Call it after each change; `flush` writes now (at stop). A failed write is logged, not thrown. */
export function createBatchedSave(save: () => Promise<void>, log: (line: string) => void, what: string): (() => void) & { flush(): Promise<void> } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const write = async (): Promise<void> => {
    timer = undefined;
    await save().catch((e: Error) => log(`${what} not saved: ${e.message}`));
  };
  const schedule = (): void => {
    timer ??= setTimeout(() => void write(), SAVE_EVERY_MS);
  };
  return Object.assign(schedule, {
    flush: async () => {
      clearTimeout(timer);
      await write();
    },
  });
}
