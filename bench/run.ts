// `npm run bench`: runs every benchmark and prints its figures. Ratios compare against a
// baseline measured in the same run, so they mean something on any machine.
import { run as verify } from './verify.bench.ts';

for (const bench of [verify]) {
  for (const line of await bench()) console.log(line);
  console.log('');
}
