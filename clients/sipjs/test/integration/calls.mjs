// The calls of an integration plan, placed through the reporter with the real SIP.js, concurrently: shared by
// the Node driver (place-calls.mjs) and the page the Chromium driver loads (browser/page-entry.mjs), so both
// place exactly the same calls. The plan: { wsUrl, agent, calls: [{ name, target, phoneNumber, action,
// afterMs?, ringTimeoutMs? }] }, action one of wait, ring_timeout, cancel, offer_failure, media_failure,
// close_transport, transport_down.

const OfferSdp = [
  "v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "c=IN IP4 127.0.0.1", "t=0 0", "m=audio 9 RTP/AVP 0", "",
].join("\r\n");

/**
 * Places every call of the plan and waits until each has ended and every event was sent. Returns, per call,
 * its name, Call-ID and the event the reporter queued (null for none), and stops the user agents.
 */
export async function placeAll(plan, { sip, reporter, log }) {
  const placed = await Promise.all(plan.calls.map((call) => place(call, plan.wsUrl, sip, reporter, log)));
  await reporter.flush();

  // Stopped only now: a user agent stopped earlier would close a transport another call still watches.
  await Promise.allSettled(placed.map(({ userAgent }) => userAgent.stop()));
  return placed.map(({ userAgent, ...call }) => call);
}

/** One call on a user agent (and WebSocket) of its own, so closing its transport leaves the others alone. */
async function place(call, wsUrl, { Inviter, UserAgent }, reporter, log) {
  const userAgent = new UserAgent({
    uri: UserAgent.makeURI("sip:agent@127.0.0.1"),
    transportOptions: { server: wsUrl },
    sessionDescriptionHandlerFactory: signallingOnly(call.action),
    logBuiltinEnabled: false,
    logLevel: "warn",
    // The connector hears every level whatever logLevel says; state changes would bury the warnings.
    logConnector: (level, category, label, content) => {
      if (level === "warn" || level === "error") {
        log(`[${call.name}] ${level} ${category} ${content}`);
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
  const inviting = inviter.invite().catch((error) => log(`[${call.name}] invite(): ${error?.message}`));
  if (call.action === "cancel") {
    setTimeout(() => tracked.cancel().catch((error) => log(`[${call.name}] cancel(): ${error}`)), call.afterMs);
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
