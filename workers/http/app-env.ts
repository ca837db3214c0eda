import type { Claims } from "../../schema/auth";
import type { Env } from "../env";

/** Hono's type parameter for every route: the bindings, and the caller's verified claims once authenticated. */
export interface AppEnv {
  Bindings: Env;
  Variables: { claims: Claims };
}
