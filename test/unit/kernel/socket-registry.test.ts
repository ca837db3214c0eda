import { describe, expect, it } from "vitest";
import { SocketRegistry } from "../../../durable-objects/kernel/socket-registry";
import type { Attachment } from "../../../durable-objects/kernel/sockets";

/** A socket as the registry sees it: an attachment it keeps across a "hibernation", and a state. */
function fakeSocket(name: string, readyState = 1) {
  let stored: Attachment | null = null;
  return {
    name,
    readyState,
    serializeAttachment: (a: Attachment) => {
      stored = structuredClone(a);
    },
    deserializeAttachment: () => stored,
  } as unknown as WebSocket & { name: string };
}

const att = (u: string | null, c: number): Attachment => ({ u, r: u === null ? null : "viewer", c, x: 0 });
const names = (list: readonly WebSocket[]) => list.map((ws) => (ws as WebSocket & { name: string }).name);

describe("SocketRegistry", () => {
  it("indexes sockets by user and by tokenless state; counts distinct users online", () => {
    const [a1, a2, b1, anon] = [fakeSocket("a1"), fakeSocket("a2"), fakeSocket("b1"), fakeSocket("anon")];
    const r = new SocketRegistry(() => []);
    r.set(a2, att("a", 20));
    r.set(a1, att("a", 10));
    r.set(b1, att("b", 15));
    r.set(anon, att(null, 5));
    expect(names(r.ofUser("a"))).toEqual(["a1", "a2"]);
    expect([r.onlineUsers(), r.anonymousCount(), names(r.authed()).sort()]).toEqual([
      2,
      1,
      ["a1", "a2", "b1"],
    ]);

    // The tokenless socket authenticates as b; then b's first socket goes.
    r.set(anon, att("b", 5));
    expect([r.anonymousCount(), names(r.ofUser("b"))]).toEqual([0, ["anon", "b1"]]);
    r.remove(b1);
    r.remove(b1);
    r.remove(anon);
    expect([r.onlineUsers(), names(r.authed()).sort(), r.ofUser("b")]).toEqual([1, ["a1", "a2"], []]);
  });

  it("rebuilds from the runtime's open sockets and their attachments after a wake", () => {
    const [a1, closing, anon] = [fakeSocket("a1"), fakeSocket("closing", 2), fakeSocket("anon")];
    a1.serializeAttachment(att("a", 1));
    closing.serializeAttachment(att("c", 2));
    anon.serializeAttachment(att(null, 3));
    const r = new SocketRegistry(() => [a1, closing, anon]);
    expect([r.onlineUsers(), r.anonymousCount(), names(r.authed())]).toEqual([1, 1, ["a1"]]);
    expect(r.get(closing)).toBeNull();
    expect(r.anonymous().map((e) => [(e.ws as WebSocket & { name: string }).name, e.connectedMs])).toEqual([
      ["anon", 3],
    ]);
  });
});
