// The one import of the generated protocol code. The setup import must stay first: ES modules
// evaluate in import order, and the generated module reads those settings when it loads.
import "./protobuf-setup";

export { liveroom } from "./generated/live.js";
