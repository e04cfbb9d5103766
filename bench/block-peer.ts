// The serving side of block.bench.ts's node-to-node figures, in a process of its own as on
// another machine: a LAN-node-configured peer serving one block, the same peer sending the same
// bytes down a bare libp2p stream (no block protocol: what the stack alone costs), or a raw TCP
// server sending them. Tells the parent its address and, when asked, its CPU time; ends with it.
import { createServer, type AddressInfo } from 'node:net';
import { createBlockServer } from '../src/p2p/block/index.ts';
import { BODY_WRITE_BYTES } from '../src/p2p/block/server.ts';
import { BARE_STREAM_PROTOCOL } from './block.bench.ts';
import { addressOf, bytesOf, startNode } from '../test/integration/p2p/block/nodes.ts';

const [mode, size, seed] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const bytes = bytesOf(size, seed);
const send = (message: object): void => void process.send?.(message);

if (mode === 'raw') {
  const server = createServer((s) => s.once('data', () => s.end(bytes)));
  server.listen(0, '127.0.0.1', () => send({ port: (server.address() as AddressInfo).port }));
} else if (mode === 'stream') {
  // Written as the block server writes its body: the same piece size, each after the last drained.
  const node = await startNode();
  await node.handle(BARE_STREAM_PROTOCOL, async (stream) => {
    for (let at = 0; at < bytes.length; at += BODY_WRITE_BYTES) {
      if (!stream.send(bytes.subarray(at, at + BODY_WRITE_BYTES))) await stream.onDrain();
    }
    await stream.close();
  });
  send({ address: addressOf(node).toString() });
} else {
  const node = await startNode();
  const server = createBlockServer({ getBlock: async () => ({ status: 'found', bytes }) });
  await node.handle(server.protocol, server.handler, { maxInboundStreams: server.maxInboundStreams });
  send({ address: addressOf(node).toString() });
}
process.on('message', (message) => {
  if (message !== 'cpu') return;
  const { user, system } = process.cpuUsage();
  send({ cpuMs: (user + system) / 1000 });
});
process.on('disconnect', () => process.exit(0));
