// @vitest-environment jsdom
// SimpleUser and SessionManager (SIP.js's helpers, which need a window): their calls are tracked without the
// CRM touching each Inviter.
import { describe, expect, it, vi } from "vitest";
import { UserAgent, Web } from "sip.js";
import { createCallReporter, type FailedCallEvent } from "../src/index.js";
import { PeerTransport, ScriptedPeer, SignallingOnly, type PeerScript } from "./support/sip-peer.js";

const ringThen = (finalFile: string): PeerScript => (request, peer) => {
  if (request.method === "INVITE") {
    peer.respond(request, "100 Trying");
    peer.respond(request, "180 Ringing", [], "", 5);
    peer.respondWithCapture(request, finalFile, 20);
  }
};

describe("calls placed through SimpleUser or SessionManager", () => {
  const userAgentOptions = (peer: ScriptedPeer) => ({
    uri: UserAgent.makeURI("sip:agent-007@crm.example.test"),
    transportConstructor: PeerTransport,
    transportOptions: { peer },
    sessionDescriptionHandlerFactory: () => new SignallingOnly(),
    logLevel: "error" as const,
  });

  it("are tracked from a SessionManager's onCallCreated, and the CRM's delegate still hears of each call", async () => {
    const peer = new ScriptedPeer(ringThen("01-486.sip"));
    const created: string[] = [];
    const manager = new Web.SessionManager("wss://pbx.example.test", {
      delegate: { onCallCreated: () => created.push("crm") },
      userAgentOptions: userAgentOptions(peer),
    });
    const sent: FailedCallEvent[] = [];
    const reporter = createCallReporter({
      sentry: { captureMessage: (_m, context) => (sent.push((context as { contexts: { sip: FailedCallEvent } })
        .contexts.sip), "id") },
      agent: "agent-007",
    });

    reporter.trackSessionManager(manager, () => ({ campaign: "spring" }));
    await manager.connect();
    await manager.call("sip:0900000001@pbx.example.test");
    await vi.waitFor(() => expect(sent).toHaveLength(1), { timeout: 10_000 });
    await manager.disconnect();

    expect(sent[0]).toMatchObject({ sipCode: 486, phoneNumber: "0900000001", tags: { campaign: "spring" } });
    expect(created).toEqual(["crm"]);
  });

  it("are tracked for a SimpleUser, through the SessionManager it keeps", async () => {
    const peer = new ScriptedPeer(ringThen("03-480.sip"));
    const user = new Web.SimpleUser("wss://pbx.example.test", { userAgentOptions: userAgentOptions(peer) });
    const sent: FailedCallEvent[] = [];
    const reporter = createCallReporter({
      sentry: { captureMessage: (_m, context) => (sent.push((context as { contexts: { sip: FailedCallEvent } })
        .contexts.sip), "id") },
      agent: "agent-007",
    });

    reporter.trackSimpleUser(user);
    await user.connect();
    await user.call("sip:0900000002@pbx.example.test");
    await vi.waitFor(() => expect(sent).toHaveLength(1), { timeout: 10_000 });
    await user.disconnect();

    expect(sent[0]).toMatchObject({ sipCode: 480, phoneNumber: "0900000002", agent: "agent-007" });
  });
});
