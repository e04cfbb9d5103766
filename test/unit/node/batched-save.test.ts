/**
 * The node's books are written at most every 2 s (issue 10, item 4: a member reporting every
 * file it learns must not keep the node's disk rewriting and fsyncing the book).
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { createBatchedSave, SAVE_EVERY_MS } from '../../../src/node/batched-save.ts';

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

it('writes once for a burst of changes, again for the next burst, and at once on flush', async () => {
  let writes = 0;
  const save = createBatchedSave(async () => void writes++, () => {}, 'book');
  for (let i = 0; i < 500; i++) save();
  expect(writes).toBe(0);
  await vi.advanceTimersByTimeAsync(SAVE_EVERY_MS);
  expect(writes).toBe(1);
  for (let i = 0; i < 500; i++) save();
  await vi.advanceTimersByTimeAsync(SAVE_EVERY_MS);
  expect(writes).toBe(2);
  save();
  await save.flush();
  expect(writes).toBe(3);
  // The flush took the pending write: nothing more when its time comes.
  await vi.advanceTimersByTimeAsync(SAVE_EVERY_MS);
  expect(writes).toBe(3);
});

it('logs a failed write and keeps batching the next changes', async () => {
  const logged: string[] = [];
  let fail = true;
  let writes = 0;
  const save = createBatchedSave(async () => {
    if (fail) throw new Error('ENOSPC');
    writes++;
  }, (l) => logged.push(l), 'group bindings');
  save();
  await vi.advanceTimersByTimeAsync(SAVE_EVERY_MS);
  expect(logged).toEqual(['group bindings not saved: ENOSPC']);
  fail = false;
  save();
  await vi.advanceTimersByTimeAsync(SAVE_EVERY_MS);
  expect(writes).toBe(1);
});
