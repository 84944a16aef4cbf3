import protobuf from 'protobufjs';

/**
 * Loki's push request (`logproto.PushRequest`), written from Loki's HTTP API documentation: streams, each with
 * its labels in the LogQL selector form (`{job="x", host="y"}`) and its entries (timestamp, line, optional
 * structured metadata).
 */
const LOKI_PROTO = `
syntax = "proto3";
package vigil.loki;

message PushRequest { repeated Stream streams = 1; }
message Stream { string labels = 1; repeated Entry entries = 2; }
message Entry { Timestamp timestamp = 1; string line = 2; repeated LabelPair structured_metadata = 3; }
message LabelPair { string name = 1; string value = 2; }
message Timestamp { int64 seconds = 1; int32 nanos = 2; }
`;

export const pushRequestType = protobuf.parse(LOKI_PROTO).root.lookupType('vigil.loki.PushRequest');
