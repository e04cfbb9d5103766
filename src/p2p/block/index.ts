/**
 * `/peercache/block/1.0.0`: blocks named by multihash, fetched from LAN peers over one libp2p
 * stream each (docs/PROTOCOL.md).
 */
export {
  BLOCK_PROTOCOL,
  MAX_CHUNK_BYTES,
  MAX_MULTIHASH_BYTES,
  MAX_REQUEST_BYTES,
  MAX_RESPONSE_HEADER_BYTES,
  decodeRequest,
  decodeResponseHeader,
  encodeRequest,
  encodeResponseHeader,
  type BlockRequest,
  type BlockStatus,
  type Decoded,
  type ResponseHeader,
} from './codec.ts';
export { fetchBlock, type BlockDialer, type FetchBlockOptions, type FetchBlockResult } from './client.ts';
export {
  BlockIntegrityError,
  BlockProtocolError,
  BlockResetError,
  BlockStallError,
  BlockTimeoutError,
  BlockTooLargeError,
  BlockUploadLimitError,
  isPeerFault,
} from './errors.ts';
export { bodyOfBytes, type BlockBody } from './body.ts';
export {
  createBlockServer,
  type BlockLimit,
  type BlockLog,
  type BlockLookup,
  type BlockServer,
  type BlockServerInit,
  type BlockServerLimits,
  type BlockServerTimeouts,
} from './server.ts';
