/**
 * The libp2p node of a browser peer. It runs where `RTCPeerConnection` exists: Chromium's
 * offscreen document, Firefox's background page (platform-notes.md). It dials LAN nodes over
 * WebSockets, reserves a relay slot there (the relay carries WebRTC signalling between
 * browsers), and reaches other browsers by WebRTC with host candidates only.
 */
// First: RTCPeerConnection must be guarded before @libp2p/webrtc reads it (lan-rtc.ts).
import './lan-rtc-install.ts';
import { noise } from '@chainsafe/libp2p-noise';
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2';
import { identify, type Identify } from '@libp2p/identify';
import type { Libp2p } from '@libp2p/interface';
import { preSharedKey } from '@libp2p/pnet';
import { ping, type Ping } from '@libp2p/ping';
import { webRTC } from '@libp2p/webrtc';
import { webSockets } from '@libp2p/websockets';
import { yamux } from '@libp2p/yamux';
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys';
import { createLibp2p } from 'libp2p';
import { decodeBase64UrlStrict } from '../core/integrity/base64.ts';
import { groupKeyPsk } from './group-key.ts';
import { createLanGater } from './lan-gate.ts';

export interface BrowserNodeInit {
  /** 64-hex group key, or '' for none (libp2p private network: strangers cannot connect). */
  groupKey: string;
  /**
   * The Ed25519 seed of this browser's key (32 bytes, unpadded base64url), kept in extension
   * storage so the peer id is the same at every start; absent: a new id for this run only.
   */
  identitySeed?: string;
  /** Largest WebRTC message sent; default {@link WEBRTC_MAX_MESSAGE_BYTES} (bench/webrtc compares). */
  maxMessageBytes?: number;
}

/**
 * Largest WebRTC message libp2p sends: 64 KiB, not its default 16 KiB (kept for go- and
 * rust-libp2p, which PeerCache never talks WebRTC to). Both ends are browsers: Chromium takes up
 * to 256 KiB (its SDP's max-message-size), Firefox 1 GiB, and libp2p reads any size on receipt.
 * A block server write (65 507 bytes) then goes out as one message instead of five. Most of a
 * transfer's CPU is the browsers' own data channel work (SCTP, DTLS, the UDP socket in another
 * process), about as much as over a plain RTCDataChannel, and part of it is paid per message;
 * bench/webrtc prints both sizes against the plain channel of the same run.
 */
export const WEBRTC_MAX_MESSAGE_BYTES = 64 * 1024;

/** Services of a browser peer node. */
export type BrowserNodeServices = { identify: Identify; ping: Ping };

/** Starts a browser peer node (not yet connected to anything). */
export async function createBrowserNode(init: BrowserNodeInit): Promise<Libp2p<BrowserNodeServices>> {
  const seed = init.identitySeed === undefined ? undefined : decodeBase64UrlStrict(init.identitySeed);
  if (init.identitySeed !== undefined && seed?.byteLength !== 32) throw new TypeError('identitySeed must be 32 bytes of unpadded base64url');
  return createLibp2p<BrowserNodeServices>({
    ...(seed ? { privateKey: await generateKeyPairFromSeed('Ed25519', seed) } : {}),
    addresses: { listen: ['/p2p-circuit', '/webrtc'] },
    transports: [
      webSockets(),
      // No STUN/TURN: ICE offers host candidates only, so peers meet on the LAN or not at all
      // (libp2p substitutes public STUN servers only when rtcConfiguration is unset).
      webRTC({ rtcConfiguration: { iceServers: [] }, dataChannel: { maxMessageSize: init.maxMessageBytes ?? WEBRTC_MAX_MESSAGE_BYTES } }),
      circuitRelayTransport(),
    ],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    // The browser default gater does the opposite (denies private addresses and ws://).
    connectionGater: createLanGater(),
    ...(init.groupKey ? { connectionProtector: preSharedKey({ psk: groupKeyPsk(init.groupKey) }) } : {}),
    services: { identify: identify(), ping: ping() },
  });
}
