import { describe, expect, it } from 'vitest';
import { candidateAddress, installLanOnlyRtc, isLanCandidate, remoteCandidates, stripNonLanCandidates } from '../../../src/p2p/lan-rtc.ts';

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
