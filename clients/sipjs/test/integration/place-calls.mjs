// Places every call of a plan through the reporter with the real SIP.js over a WebSocket, concurrently, and
// prints one JSON line: each call's name, Call-ID and the event the reporter queued for it. Run by the C#
// integration test (SipJsIntegrationTests), which starts Kamailio, the SIPp peers and CallTracker first:
//   node place-calls.mjs plan.json
// The plan: { wsUrl, endpoint, ingestKey, agent, calls: [{ name, target, phoneNumber, action, afterMs?,
// ringTimeoutMs? }] } where action is wait, ring_timeout, cancel, offer_failure, media_failure,
// close_transport or transport_down.
import { readFileSync } from "node:fs";
import { WebSocket } from "ws";

// SIP.js looks for the browser's WebSocket; the ws package is the same API for Node.
globalThis.WebSocket = WebSocket;

const { Inviter, UserAgent } = await import("sip.js");
const { createCallReporter } = await import("../../dist/index.js");

// Every call ends within 35 s (the silent one on SIP.js's Timer B at 32 s); a hung run must not hang the test.
const RunLimitMs = 90_000;

const OfferSdp = [
  "v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "c=IN IP4 127.0.0.1", "t=0 0", "m=audio 9 RTP/AVP 0", "",
].join("\r\n");

const limit = setTimeout(() => fail(`the calls did not all end within ${RunLimitMs / 1000} s`), RunLimitMs);

try {
  const plan = JSON.parse(readFileSync(process.argv[2], "utf8"));
  const reporter = createCallReporter({
    endpoint: plan.endpoint,
    ingestKey: plan.ingestKey,
    agent: plan.agent,
    storage: null, // no localStorage in Node; the queue lives in memory for the run
    warn: (message, error) => console.error(`[reporter] ${message}`, error ?? ""),
  });

  const placed = await Promise.all(plan.calls.map((call) => place(call, plan.wsUrl, reporter)));
  await reporter.flush();
  process.stdout.write(`${JSON.stringify({ calls: placed.map(({ userAgent, ...call }) => call) })}\n`);

  // Stopped only now: a user agent stopped earlier would close a transport another call still watches.
  await Promise.allSettled(placed.map(({ userAgent }) => userAgent.stop()));
  clearTimeout(limit);
  process.exit(0);
} catch (error) {
  fail(error?.stack ?? String(error));
}

/** One call on a user agent (and WebSocket) of its own, so closing its transport leaves the others alone. */
async function place(call, wsUrl, reporter) {
  const userAgent = new UserAgent({
    uri: UserAgent.makeURI("sip:agent@127.0.0.1"),
    transportOptions: { server: wsUrl },
    sessionDescriptionHandlerFactory: signallingOnly(call.action),
    logBuiltinEnabled: false,
    logLevel: "warn",

    // stdout carries only the result line; SIP.js's own warnings go to stderr for a failure message. The
    // connector hears every level whatever logLevel says, and state changes would bury the warnings.
    logConnector: (level, category, label, content) => {
      if (level === "warn" || level === "error") {
        console.error(`[${call.name}] ${level} ${category} ${content}`);
      }
    },
  });
  await userAgent.start();
  if (call.action === "transport_down") {
    await userAgent.transport.disconnect();
  }

  const inviter = new Inviter(userAgent, UserAgent.makeURI(call.target));
  const tracked = reporter.track(inviter, {
    phoneNumber: call.phoneNumber,
    campaign: "it",
    tags: { case: call.name },
    ringTimeoutMs: call.ringTimeoutMs,
  });

  // A rejected offer makes invite() reject; every other outcome arrives through the session.
  const inviting = inviter.invite().catch((error) => console.error(`[${call.name}] invite(): ${error?.message}`));
  if (call.action === "cancel") {
    setTimeout(() => tracked.cancel().catch((error) => console.error(`[${call.name}] cancel(): ${error}`)),
      call.afterMs);
  } else if (call.action === "close_transport") {
    setTimeout(() => userAgent.transport.disconnect(), call.afterMs);
  }

  const event = await tracked.done;
  await inviting;
  return { name: call.name, callId: inviter.request.callId, event: event ?? null, userAgent };
}

/** Signalling only: a fixed audio offer and any answer accepted, or a failure where the plan asks for one. */
function signallingOnly(action) {
  return () => ({
    getDescription: async () => {
      if (action === "offer_failure") {
        throw new Error("the test's description handler refuses to make an offer");
      }

      return { body: OfferSdp, contentType: "application/sdp" };
    },
    setDescription: async () => {
      if (action === "media_failure") {
        throw new Error("the test's description handler refuses the answer");
      }
    },
    hasDescription: (contentType) => contentType === "application/sdp",
    rollbackDescription: async () => {},
    sendDtmf: () => false,
    close: () => {},
  });
}

function fail(message) {
  console.error(message);
  process.exit(1);
}
