// A plain RTCDataChannel between the two bench pages, without libp2p: the ceiling the browser's
// own SCTP sets on WebRTC throughput, measured in the same run as the block protocol
// (webrtc.bench.ts). Signalling goes through Node (scenario.ts passes the SDP), ICE gathers host
// candidates only, as libp2p's does. The server page pushes what it is asked for in messages of
// the asked size, keeping the channel's send buffer between `low` and `high`.

let pc: RTCPeerConnection | undefined;
let channel: RTCDataChannel | undefined;

const gathered = (p: RTCPeerConnection): Promise<void> =>
  p.iceGatheringState === 'complete' ? Promise.resolve() : new Promise((r) => p.addEventListener('icegatheringstatechange', () => p.iceGatheringState === 'complete' && r()));
const opened = (c: RTCDataChannel): Promise<void> => (c.readyState === 'open' ? Promise.resolve() : new Promise((r) => c.addEventListener('open', () => r(), { once: true })));

/** Pushes `total` bytes in `size`-byte messages, waiting whenever more than `high` are queued. */
async function push(c: RTCDataChannel, total: number, size: number, high: number): Promise<void> {
  const bytes = new Uint8Array(size);
  c.bufferedAmountLowThreshold = high / 2;
  for (let sent = 0; sent < total; sent += size) {
    if (c.bufferedAmount > high) await new Promise((r) => c.addEventListener('bufferedamountlow', r, { once: true }));
    c.send(sent + size <= total ? bytes : bytes.subarray(0, total - sent));
  }
}

export const rawChannel = {
  /** The dialling page: an offer with every candidate in it. */
  async offer(): Promise<string> {
    pc = new RTCPeerConnection({ iceServers: [] });
    channel = pc.createDataChannel('raw');
    channel.binaryType = 'arraybuffer';
    await pc.setLocalDescription();
    await gathered(pc);
    return pc.localDescription?.sdp ?? '';
  },

  /** The serving page: answers, then serves `<total> <size> <high>` requests on the channel. */
  async answer(sdp: string): Promise<string> {
    pc = new RTCPeerConnection({ iceServers: [] });
    pc.addEventListener('datachannel', ({ channel: c }) => {
      c.addEventListener('message', (e: MessageEvent<string>) => {
        const [total, size, high] = String(e.data).split(' ').map(Number) as [number, number, number];
        void push(c, total, size, high);
      });
    });
    await pc.setRemoteDescription({ type: 'offer', sdp });
    await pc.setLocalDescription();
    await gathered(pc);
    return pc.localDescription?.sdp ?? '';
  },

  async accept(sdp: string): Promise<void> {
    if (!pc || !channel) throw new Error('offer() first');
    await pc.setRemoteDescription({ type: 'answer', sdp });
    await opened(channel);
  },

  /** ms to receive `total` bytes in `size`-byte messages, `runs` times. */
  async fetchTimes(total: number, size: number, high: number, runs: number): Promise<number[]> {
    const c = channel;
    if (!c) throw new Error('accept() first');
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await new Promise<void>((resolve) => {
        let got = 0;
        const onMessage = (e: MessageEvent<ArrayBuffer>): void => {
          got += e.data.byteLength;
          if (got < total) return;
          c.removeEventListener('message', onMessage);
          resolve();
        };
        c.addEventListener('message', onMessage);
        c.send(`${total} ${size} ${high}`);
      });
      times.push(performance.now() - t);
    }
    return times;
  },

  close(): void {
    pc?.close();
  },
};
