// Before the socket: which room and token, and whether they can work. A browser WebSocket hides the
// upgrade's status, so every reason to refuse is found here and said in words.
import { api } from "../shared/api";
import { isExpired, readClaims, type TokenClaims } from "../shared/jwt";
import type { Fatal } from "./state";

export interface JoinTarget {
  room: string;
  token: string;
  claims: TokenClaims;
}

export interface JoinedRoom {
  id: string;
  title: string;
  status: string;
}

const tokenKey = (room: string) => `liveroom:token:${room}`;

/**
 * The room and token from `?room=&token=`, else the token this tab kept for the room. The token is
 * moved out of the address bar into sessionStorage, so a screenshot or a shared link does not leak it.
 */
export function readTarget(): { room: string; token: string } | undefined {
  const url = new URL(location.href);
  const room = url.searchParams.get("room")?.trim() ?? "";
  if (!room) return undefined;
  const fromUrl = url.searchParams.get("token")?.trim();
  if (fromUrl) {
    sessionStorage.setItem(tokenKey(room), fromUrl);
    url.searchParams.delete("token");
    history.replaceState(null, "", url);
  }
  const token = fromUrl || sessionStorage.getItem(tokenKey(room)) || "";
  return token ? { room, token } : undefined;
}

/** Checks the token's shape and expiry locally, then asks the Worker about the room. */
export async function preflight(
  room: string,
  token: string,
): Promise<{ ok: true; target: JoinTarget; joined: JoinedRoom } | { ok: false; fatal: Fatal }> {
  const claims = readClaims(token);
  if (!claims) return { ok: false, fatal: tokenFatal("invalid") };
  if (isExpired(claims, Date.now())) return { ok: false, fatal: tokenFatal("expired") };
  const r = await api<{ room: JoinedRoom }>("GET", `/api/join/${encodeURIComponent(room)}`, token);
  if (r.ok) return { ok: true, target: { room, token, claims }, joined: r.body.room };
  if (r.status === 401)
    return { ok: false, fatal: tokenFatal(r.message.includes("expired") ? "expired" : "invalid") };
  if (r.status === 404 || r.status === 400) {
    return {
      ok: false,
      fatal: {
        title: "No such room",
        text: `There is no live room “${room}”. Check the link you were given.`,
      },
    };
  }
  if (r.status === 0) {
    return { ok: false, fatal: { title: "Can't reach liveroom", text: "Check your network and try again." } };
  }
  return { ok: false, fatal: { title: "Something went wrong", text: `${r.code}: ${r.message}` } };
}

export function tokenFatal(reason: "expired" | "invalid"): Fatal {
  return reason === "expired"
    ? {
        title: "Your token has expired",
        text: "Ask for a new link (or run `npm start` again) and reopen the page.",
      }
    : { title: "This token isn't valid", text: "The link's token was not accepted. Ask for a new link." };
}
