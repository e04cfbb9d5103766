// Child-process entry of the office benchmark: one simulation (simulation.ts) per process, so
// runs neither share a heap nor a CPU core, and a run's memory is returned when it ends.
// Usage: node bench/office/run-one.ts '<RunOptions as JSON>'; prints the RunResult as JSON.
import { simulate, type RunOptions } from './simulation.ts';

const options = JSON.parse(process.argv[2] ?? '{}') as RunOptions;
// libp2p reports streams reset while a run stops as unhandled rejections; they are not results.
process.on('unhandledRejection', () => undefined);
process.on('uncaughtException', (e) => console.error(`office: ${String(e)}`));
const result = await simulate(options);
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
