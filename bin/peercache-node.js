#!/usr/bin/env node
// peercache-node: the PeerCache LAN node daemon (src/node/cli.ts).
//
// The daemon is TypeScript run directly through Node's type stripping, so it needs Node 22.18+
// (type stripping on by default) or 24. This file is plain JavaScript and imports the CLI
// dynamically, so an older Node prints the requirement instead of a syntax error.
const REQUIRED = '22.18.0';

function atLeast(version, required) {
  const a = version.split('.').map(Number);
  const b = required.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    if ((a[i] || 0) !== b[i]) return (a[i] || 0) > b[i];
  }
  return true;
}

if (!atLeast(process.versions.node, REQUIRED)) {
  process.stderr.write(
    `peercache-node needs Node.js ${REQUIRED} or newer (24 recommended); this is ${process.versions.node}.\n` +
      'From the repository, `npx peercache-node` uses the Node 24 pinned in devDependencies.\n',
  );
  process.exit(1);
}

// Memory under load (docs/ADMIN.md, "Limits of the LAN node"): V8's young generation kept small,
// its old generation collected each time it grew by 20 % (block pieces a slow reader kept waiting
// are freed only then), and glibc handing freed block buffers back to the system. Measured with
// 200 peers: 164-176 MB at peak, 236-243 MB without the 20 %, 363 MB with none of it. Neither the
// V8 sizes nor glibc's threshold can be set once the process runs, so the daemon starts itself
// again with them (once: the child is marked), passing signals on and ending as it ends.
// PEERCACHE_NODE_TUNING=off runs it with Node's and glibc's defaults; flags given to node win.
const TUNED_ENV = 'PEERCACHE_NODE_TUNED';
const TUNING_FLAGS = ['--max-semi-space-size=4', '--heap-growing-percent=20'];

function runTuned() {
  return import('node:child_process').then(({ spawn }) => {
    const env = { ...process.env, [TUNED_ENV]: '1', MALLOC_MMAP_THRESHOLD_: process.env.MALLOC_MMAP_THRESHOLD_ ?? '32768' };
    const child = spawn(process.execPath, [...TUNING_FLAGS, ...process.execArgv, process.argv[1], ...process.argv.slice(2)], { stdio: 'inherit', env });
    // Service managers signal this process: pass it on. Ctrl-C reaches the whole process group,
    // the daemon included, which stops on its own (passing it on would be a second Ctrl-C,
    // which means "exit now").
    for (const signal of ['SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
    process.on('SIGINT', () => undefined);
    child.on('exit', (code, signal) => {
      if (signal) {
        // Ended by a signal: end the same way, so the service manager sees what happened.
        process.removeAllListeners(signal);
        process.kill(process.pid, signal);
      } else process.exit(code ?? 1);
    });
  });
}

// The tuned daemon stops when the command that started it is gone, whatever ended it (SIGKILL
// passes nothing on): it then belongs to init, and must not keep serving unwatched.
function stopWithParent() {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.kill(process.pid, 'SIGTERM');
  }, 500).unref();
}

const tune = process.env[TUNED_ENV] === undefined && process.env.PEERCACHE_NODE_TUNING !== 'off';
if (process.env[TUNED_ENV] === '1') stopWithParent();
// .then rather than top-level await, so even a very old Node reaches the version check above.
(tune ? runTuned() : import('../src/node/cli.ts').then(({ runCli }) => runCli(process.argv.slice(2))))
  .catch((error) => {
    process.stderr.write(`peercache-node: ${error?.stack ?? error}\n`);
    process.exit(1);
  });
