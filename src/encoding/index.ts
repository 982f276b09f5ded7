/**
 * Wire encodings shared by protocols of several layers: protocol buffers
 * (swarmkit's gRPC messages and raft entries, libnetwork's networkdb
 * messages), msgpack as go-msgpack writes Go structs (memberlist's messages),
 * Go's LZW and CRC-32. Pure functions and builders; decoding never throws on
 * hostile bytes.
 */
export { ProtoWriter, FieldReader, readFields, decodeMessage, type Decoded, type ProtoFields, type ProtoValue, type ProtoResult } from "./protobuf.js";
export { MsgpackWriter, decodeMsgpack, goMsgpackV2, legacyGoMsgpack, msgpackMaxDepth, type MsgpackValue, type MsgpackRead, type GoMsgpackFlavor } from "./msgpack.js";
export {
  writeGoStruct,
  readGoStruct,
  goStructFrom,
  type GoType,
  type GoField,
  type GoStruct,
  type GoValue,
  type GoStructValue,
  type GoStructRead,
} from "./go-struct.js";
export { lzwCompress, lzwDecompress } from "./lzw.js";
export { crc32Ieee } from "./crc32.js";
export { sameBytes, equalConstantTime, allocBytes, copyBytes, concatBytes } from "./bytes.js";
