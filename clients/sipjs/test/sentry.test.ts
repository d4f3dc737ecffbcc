// @vitest-environment jsdom
// Through a CRM's existing Sentry SDK (the real @sentry/browser): a failed call becomes one message whose
// `sip` context is the event, in the envelope the SDK posts to the DSN, here a loopback server that records it.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import * as Sentry from "@sentry/browser";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createCallReporter } from "../src/index.js";
import { inviterTo, ScriptedPeer, userAgentFor } from "./support/sip-peer.js";

const envelopes: Array<{ url: string; items: unknown[] }> = [];
let server: Server;

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    request.on("end", () => {
      envelopes.push({ url: request.url ?? "", items: body.split("\n").filter(Boolean).map((line) => JSON.parse(line)) });
      response.writeHead(200, { "Content-Type": "application/json", "Access-Control-Allow-Origin": "*" });
      response.end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

it("sends a failed call as one Sentry message with the event in its sip context", async () => {
  const port = (server.address() as AddressInfo).port;
  Sentry.init({ dsn: `http://0f1e2d3c4b5a69780f1e2d3c4b5a6978@127.0.0.1:${port}/42`, defaultIntegrations: false });
  const reporter = createCallReporter({ sentry: Sentry, agent: "agent-007" });
  const peer = new ScriptedPeer((request, far) => {
    if (request.method === "INVITE") {
      far.respond(request, "180 Ringing");
      far.respondWithCapture(request, "01-486.sip", 5);
    }
  });
  const userAgent = await userAgentFor(peer);
  const inviter = inviterTo(userAgent, "0900000001");

  const call = reporter.track(inviter, { campaign: "spring" });
  await inviter.invite();
  const event = await call.done;
  await Sentry.flush(5_000);
  await userAgent.stop();

  expect(envelopes).toHaveLength(1);
  expect(envelopes[0]!.url).toMatch(/^\/api\/42\/envelope\//);
  const sentryEvent = envelopes[0]!.items[2] as {
    message?: string; level?: string; contexts?: { sip?: Record<string, unknown> }; tags?: Record<string, string>;
  };
  expect(sentryEvent.message).toBe("SIP call failed: 486 Busy Here");
  expect(sentryEvent.level).toBe("warning");
  expect(sentryEvent.contexts?.sip).toMatchObject({
    sipCode: 486, phoneNumber: "0900000001", agent: "agent-007", ringing: true, eventId: event?.eventId,
  });
  expect(String(sentryEvent.contexts?.sip?.sipMessage)).toMatch(/^Reason: Q\.850;cause=17/m);
  expect(sentryEvent.tags).toMatchObject({ campaign: "spring", "sip.code": "486" });
});
