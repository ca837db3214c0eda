import { Hono } from "hono";
import type { AppEnv } from "../http/app-env";
import { route } from "../http/route";
import { SignupInput } from "../input/social";
import { signup } from "../routes/signup";

/** Mounted at `/api/signup`: any valid token may create the user its `sub` names (docs/live-room.md). */
export const signupArea = new Hono<AppEnv>();

route(signupArea, "post", "/", { role: "viewer", json: SignupInput }, signup);
