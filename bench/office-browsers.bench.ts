// `npm run bench -- office`, part (a): the office in real browsers (bench/office/real-browsers.ts,
// run in a loopback-only network namespace by real-browsers-run.ts). Part (b), the trace-driven
// simulation at N = 10, 50 and 200, is bench/office/simulation.ts.
import { realBrowserOffice } from './office/real-browsers-run.ts';

export async function run(): Promise<string[]> {
  return (await realBrowserOffice()).lines;
}
