// Baseline (c): a partyserver room with hibernation on; a POST broadcasts its body with
// partyserver's own `broadcast`.
import { Server } from "partyserver";

export class PartyRoom extends Server {
  static override options = { hibernate: true };

  override async onRequest(request: Request): Promise<Response> {
    this.broadcast(await request.arrayBuffer());
    return Response.json({ sent: [...this.getConnections()].length });
  }
}
