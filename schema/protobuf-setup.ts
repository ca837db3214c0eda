// protobufjs settings that must be in place before the generated code loads, because the
// generated module computes its 64-bit field defaults at load time. Imported first by proto.ts.
// - Buffer off: protobufjs switches to Node's Buffer when it finds one, and workerd's Buffer
//   (present under nodejs_compat, as in the test runtime) has a different utf8Write, so strings
//   of 40+ bytes fail to encode. Plain Uint8Array writers work everywhere.
// - Long off: 64-bit fields, present or absent, are plain numbers. Every 64-bit value here
//   (cents, epoch ms) stays below 2^53, so a number is exact.
import $protobuf from "protobufjs/minimal.js";

const util = $protobuf.util as { Buffer: unknown; Long: unknown };
util.Buffer = null;
util.Long = null;
$protobuf.configure();
