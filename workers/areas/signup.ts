import { Hono } from "hono";
import type { AppEnv } from "../http/app-env";
import { route } from "../http/route";
import { SignupInput } from "../input/social";
import { signup } from "../routes/signup";

/** Mounted at `/api/signup`: any valid token may create the user its `sub` names (docs/live-room.md). */
export const signupArea = new Hono<AppEnv>();

// Per address, against one machine minting tokens to farm invites; per user, against hammering.
route(
  signupArea,
  "post",
  "/",
  { role: "viewer", limits: ["signupIp", "signupUser"], json: SignupInput },
  signup,
);
