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

// .then rather than top-level await, so even a very old Node reaches the version check above.
import('../src/node/cli.ts')
  .then(({ runCli }) => runCli(process.argv.slice(2)))
  .catch((error) => {
    process.stderr.write(`peercache-node: ${error?.stack ?? error}\n`);
    process.exit(1);
  });
