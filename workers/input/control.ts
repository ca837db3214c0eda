import { z } from "zod";

const TS = "must be an integer from 0 to 4294967295 (ms into the stream)";

/** The optional body of push / reveal / start-rain: the stream position the host saw (a uint32 on the wire). */
export const StreamTsInput = z.strictObject(
  {
    streamTsMs: z.int({ error: TS }).min(0, { error: TS }).max(0xffff_ffff, { error: TS }).default(0),
  },
  { error: "must be a JSON object" },
);
