import protobuf from 'protobufjs';

/**
 * Prometheus remote_write 1.0 (`prometheus.WriteRequest`), written from the remote write specification:
 * a request is a list of time series, each a set of labels (one of them `__name__`) and samples (float value,
 * timestamp in milliseconds). Native histograms and exemplars are not read.
 */
const REMOTE_WRITE_PROTO = `
syntax = "proto3";
package vigil.prometheus;

message WriteRequest { repeated TimeSeries timeseries = 1; }
message TimeSeries { repeated Label labels = 1; repeated Sample samples = 2; }
message Label { string name = 1; string value = 2; }
message Sample { double value = 1; int64 timestamp = 2; }
`;

export const writeRequestType = protobuf.parse(REMOTE_WRITE_PROTO).root.lookupType('vigil.prometheus.WriteRequest');
