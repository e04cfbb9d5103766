/**
 * `peercache-node` command line: parse the configuration, start the LAN node, stop it cleanly
 * on SIGTERM (service managers) or SIGINT (Ctrl-C). The one place in src/node that touches
 * `process`; everything it calls receives its I/O as arguments.
 *
 * Exit codes: 0 help or clean shutdown, 1 the node could not start or stop in time,
 * 2 bad configuration.
 */
import { readFileSync } from 'node:fs';
import { ConfigError, USAGE, loadNodeConfig } from './config.ts';
import { startLanNode } from './lan-node.ts';

/** How long shutdown may take before the process exits anyway (systemd's default stop timeout is 90 s). */
export const SHUTDOWN_TIMEOUT_MS = 5_000;

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * Runs the daemon with `argv` (without `node` and the script). Resolves once the node is
 * running; the process then lives until a signal ends it.
 *
 * @example
 * ```ts
 * await runCli(process.argv.slice(2));
 * ```
 */
export async function runCli(argv: readonly string[], env: Record<string, string | undefined> = process.env): Promise<void> {
  let config;
  try {
    config = loadNodeConfig(argv, env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`peercache-node: ${e.message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (config === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }

  const log = (line: string): void => void process.stdout.write(`${line}\n`);
  let node;
  try {
    node = await startLanNode(config, { log, version: packageVersion(), debug: /\bpeercache\b/.test(env.DEBUG ?? '') });
  } catch (e) {
    process.stderr.write(`peercache-node: cannot start: ${(e as Error).message}\n`);
    process.exit(1);
  }

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) {
      // A second Ctrl-C: the admin does not want to wait.
      process.stderr.write(`peercache-node: ${signal} again, exiting now\n`);
      process.exit(1);
    }
    stopping = true;
    log(`${signal}: stopping`);
    const timer = setTimeout(() => {
      process.stderr.write(`peercache-node: shutdown took longer than ${SHUTDOWN_TIMEOUT_MS} ms, exiting anyway\n`);
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    void node.stop().then(() => {
      clearTimeout(timer);
      log('stopped');
      // Exit explicitly: a discovery socket or a library timer must not keep a stopped daemon alive.
      process.exit(0);
    });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}
