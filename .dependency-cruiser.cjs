// The one-way dependencies of DESIGN.md §9, checked by `npm run deps` (part of `npm run check`):
//   workers/ → durable-objects/ → pure modules and schema/;  client/ (the SDK) → the generated protocol only.
// Type-only imports count: `tsPreCompilationDeps` keeps them in the graph.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "rooms-not-to-worker",
      comment:
        "The rooms run under the Worker, not the other way round: what both need (D1 queries, the token " +
        "contract, settlement events) lives in schema/; what a room reads from env is RoomEnv (durable-objects/room-env.ts).",
      severity: "error",
      from: { path: "^durable-objects/" },
      to: { path: "^workers/" },
    },
    {
      name: "schema-is-a-leaf",
      comment:
        "schema/ holds the D1 tables, live.proto and the queries and contracts the Worker and the rooms share: " +
        "it imports none of them (nor the SDK).",
      severity: "error",
      from: { path: "^schema/" },
      to: { path: "^(workers|durable-objects|client)/" },
    },
    {
      name: "sdk-only-protocol",
      comment:
        "The SDK (client/) ships to browsers and apps: it imports its own files and the generated protocol " +
        "(schema/proto.ts, schema/generated/), nothing of the server and no other package.",
      severity: "error",
      from: { path: "^client/" },
      to: { pathNot: ["^client/", "^schema/proto\\.ts$", "^schema/generated/"] },
    },
    {
      name: "pages-not-to-server",
      comment:
        "The pages (web/src) talk to the server over HTTP and the SDK; they may share schema/ types only.",
      severity: "error",
      from: { path: "^web/src/" },
      to: { path: "^(workers|durable-objects)/" },
    },
    {
      name: "no-circular",
      comment: "No module may depend on itself, directly or through others.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    // "cloudflare:workers" and the like are provided by workerd.
    builtInModules: {
      add: ["cloudflare:workers", "cloudflare:test", "cloudflare:sockets", "cloudflare:email"],
    },
  },
};
