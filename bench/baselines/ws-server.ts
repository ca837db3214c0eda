// Baseline (b): a plain Node `ws` server in its own process. A POST broadcasts its body to
// every socket, the same bytes each time.
import { createServer } from "node:http";
import { WebSocketServer } from "ws";

const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const bytes = Buffer.concat(chunks);
    for (const ws of wss.clients) ws.send(bytes);
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ sent: wss.clients.size }));
  });
});
server.on("upgrade", (req, socket, head) => {
  wss.handleUpgrade(req, socket, head, (ws) => {
    ws.on("message", (data, isBinary) => {
      if (!isBinary) ws.send(data, { binary: false });
    });
  });
});
server.listen({ host: "127.0.0.1", port: 0, backlog: 4096 }, () => {
  const address = server.address();
  if (address !== null && typeof address === "object") process.send?.({ port: address.port });
});
process.on("disconnect", () => process.exit(0));
