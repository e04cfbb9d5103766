// `npm run bench`: runs every benchmark and prints its figures. Ratios compare against a
// baseline measured in the same run, so they mean something on any machine.
import { run as block } from './block.bench.ts';
import { run as firstVisit } from './first-visit.bench.ts';
import { run as nodeLoad } from './node-load.bench.ts';
import { run as office } from './office-browsers.bench.ts';
import { run as officeSim } from './office/bench.ts';
import { run as pageLoad } from './page-load.bench.ts';
import { run as startup } from './startup.bench.ts';
import { run as verify } from './verify.bench.ts';
import { run as webrtc } from './webrtc.bench.ts';

// `npm run bench -- verify` runs only the benchmarks named.
const all = { verify, block, pageLoad, webrtc, 'first-visit': firstVisit, office, 'office-sim': officeSim, 'node-load': nodeLoad, startup };
const names = process.argv.slice(2);
for (const [name, bench] of Object.entries(all)) {
  if (names.length && !names.includes(name)) continue;
  for (const line of await bench()) console.log(line);
  console.log('');
}
