/**
 * Wire encodings shared by protocols of several layers: protocol buffers
 * (swarmkit's gRPC messages and raft entries, libnetwork's networkdb
 * messages). Pure functions and builders; decoding never throws on hostile bytes.
 */
export { ProtoWriter, FieldReader, readFields, decodeMessage, type Decoded, type ProtoFields, type ProtoValue, type ProtoResult } from "./protobuf.js";
