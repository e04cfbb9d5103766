import { describe, expect, it } from 'vitest';
import { INIT_CHANNEL_LABEL, candidateAddress, installLanOnlyRtc, steadyInitChannel, isLanCandidate, remoteCandidates, stripNonLanCandidates } from '../../../src/p2p/lan-rtc.ts';

const cand = (address: string) => `candidate:842163049 1 udp 1677729535 ${address} 51234 typ host generation 0 network-cost 999`;

describe('remote ICE candidates', () => {
  it('reads the connection address', () => {
    expect(candidateAddress(cand('192.168.1.20'))).toBe('192.168.1.20');
    expect(candidateAddress(`a=${cand('10.0.0.2')}`)).toBe('10.0.0.2');
    expect(candidateAddress('candidate:1 1 udp 1 10.0.0.2')).toBeUndefined();
    expect(candidateAddress('not a candidate')).toBeUndefined();
  });

  it.each([
    ['192.168.1.20', true], ['10.1.2.3', true], ['172.20.0.1', true], ['127.0.0.1', true], ['169.254.3.4', true],
    ['fe80::1', true], ['fd12:3456::1', true], ['::1', true], ['6f1c4a8e-1234-4c5d-9e8f-0123456789ab.local', true],
    ['8.8.8.8', false], ['100.64.0.1', false], ['2001:db8::1', false], ['2a00:1450:4001::1', false], ['evil.example.com', false], ['::ffff:8.8.8.8', false],
  ])('%s is LAN: %s', (address, lan) => {
    expect(isLanCandidate(cand(address))).toBe(lan);
  });

  it('strips non-LAN candidate lines from a remote description and keeps the rest', () => {
    const sdp = ['v=0', 'a=ice-ufrag:abcd', `a=${cand('192.168.1.20')}`, `a=${cand('203.0.113.9')}`, 'a=end-of-candidates', ''].join('\r\n');
    const out = stripNonLanCandidates(sdp);
    expect(out).toMatchObject({ accepted: 1, refused: 1 });
    expect(out.sdp).toBe(['v=0', 'a=ice-ufrag:abcd', `a=${cand('192.168.1.20')}`, 'a=end-of-candidates', ''].join('\r\n'));
  });
});

describe('installLanOnlyRtc', () => {
  class FakePc {
    added: (RTCIceCandidateInit | undefined)[] = [];
    remote: RTCSessionDescriptionInit | undefined;
    addIceCandidate(c?: RTCIceCandidateInit) {
      this.added.push(c);
      return Promise.resolve();
    }
    setRemoteDescription(d: RTCSessionDescriptionInit) {
      this.remote = d;
      return Promise.resolve();
    }
  }

  it('makes every new RTCPeerConnection refuse candidates outside the LAN, once', async () => {
    const scope = { RTCPeerConnection: FakePc as unknown as typeof RTCPeerConnection };
    expect(installLanOnlyRtc(scope)).toBe(true);
    expect(installLanOnlyRtc(scope)).toBe(false);
    const pc = new scope.RTCPeerConnection() as unknown as FakePc;
    const before = { ...remoteCandidates };
    await (pc as unknown as RTCPeerConnection).addIceCandidate({ candidate: cand('198.51.100.7'), sdpMid: '0' });
    await (pc as unknown as RTCPeerConnection).addIceCandidate({ candidate: cand('192.168.0.5'), sdpMid: '0' });
    await (pc as unknown as RTCPeerConnection).addIceCandidate({ candidate: '', sdpMid: '0' });
    expect(pc.added.map((c) => c?.candidate)).toEqual([cand('192.168.0.5'), '']);
    await (pc as unknown as RTCPeerConnection).setRemoteDescription({ type: 'offer', sdp: `v=0\r\na=${cand('198.51.100.7')}\r\n` });
    expect(pc.remote).toEqual({ type: 'offer', sdp: 'v=0\r\n' });
    expect(remoteCandidates.accepted - before.accepted).toBe(1);
    expect(remoteCandidates.refused - before.refused).toBe(2);
  });

  it('does nothing where there is no RTCPeerConnection (Node)', () => {
    expect(installLanOnlyRtc({})).toBe(false);
  });
});

describe("the dialler's init channel (steadyInitChannel)", () => {
  /** A data channel whose state the test drives, as the browser would. */
  class FakeChannel extends EventTarget {
    state: RTCDataChannelState = 'connecting';
    closeCalls = 0;
    get readyState(): RTCDataChannelState {
      return this.state;
    }
    close(): void {
      this.closeCalls++;
      if (this.state === 'open') this.state = 'closing';
    }
    become(state: 'open' | 'closed'): void {
      this.state = state;
      this.dispatchEvent(new Event(state === 'open' ? 'open' : 'close'));
    }
  }
  const steady = (): FakeChannel & RTCDataChannel => {
    const channel = new FakeChannel() as FakeChannel & RTCDataChannel;
    steadyInitChannel(channel);
    return channel;
  };
  const closeEvent = (c: EventTarget): Promise<'close'> => new Promise((r) => c.addEventListener('close', () => r('close'), { once: true }));
  const after = (ms: number): Promise<'timeout'> => new Promise((r) => setTimeout(() => r('timeout'), ms));

  it('lets a dial go on when the answerer closed the channel before libp2p looked (the dial used to time out)', async () => {
    const channel = steady();
    channel.become('open');
    channel.become('closed'); // the answerer's muxer closed it while the dialler's page was busy
    // What @libp2p/webrtc's dialler does next: no wait for 'open', close, wait for 'close'.
    expect(channel.readyState).toBe('open');
    channel.close();
    expect(await Promise.race([closeEvent(channel), after(1_000)])).toBe('close');
    expect(channel.readyState).toBe('closed');
    expect(channel.closeCalls).toBe(0); // nothing closed twice
  });

  it('behaves as the browser does otherwise', async () => {
    const channel = steady();
    expect(channel.readyState).toBe('connecting');
    channel.become('open');
    channel.close();
    expect(channel.closeCalls).toBe(1);
    expect(channel.readyState).toBe('closing');
    const closed = closeEvent(channel);
    channel.become('closed');
    expect(await closed).toBe('close');
    // A channel that never opened (ICE failed) is not reported open: the dial fails as it should.
    const never = steady();
    never.become('closed');
    expect(never.readyState).toBe('closed');
  });

  it('is what a guarded RTCPeerConnection hands out for the init channel, and only for it', () => {
    class Pc {
      createDataChannel(): RTCDataChannel {
        return new FakeChannel() as unknown as RTCDataChannel;
      }
    }
    const scope = { RTCPeerConnection: Pc as unknown as typeof RTCPeerConnection };
    installLanOnlyRtc(scope);
    const pc = new scope.RTCPeerConnection();
    const [init, stream] = [pc.createDataChannel(INIT_CHANNEL_LABEL), pc.createDataChannel('')] as unknown as FakeChannel[];
    init?.become('open');
    stream?.become('open');
    init?.become('closed');
    stream?.become('closed');
    expect([init?.readyState, stream?.readyState]).toEqual(['open', 'closed']);
  });
});
