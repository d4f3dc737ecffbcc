// Every way a call can end, placed with real SIP.js objects against a scripted far end: what SIP.js does and
// in what order (state change, delegates, its own timers) is SIP.js's own; the reporter must make exactly one
// correct event of it.
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Inviter, UserAgent } from "sip.js";
import { createCallReporter, type CallContext, type CallReporterOptions, type FailedCallEvent } from "../src/index.js";
import type { TrackedCall } from "../src/tracked-call.js";
import { Answer, inviterTo, ScriptedPeer, sharedIndex, userAgentFor, type PeerScript } from "./support/sip-peer.js";

interface Placed {
  event: FailedCallEvent | undefined;
  sent: FailedCallEvent[];
  peer: ScriptedPeer;
  order: string[];
  warnings: string[];
}

const agents: UserAgent[] = [];

afterEach(async () => {
  vi.useRealTimers();
  for (const userAgent of agents.splice(0)) {
    await userAgent.stop().catch(() => undefined);
  }
});

/** Places one call through a reporter that sends through a recording Sentry client, and waits for its end. */
async function place(script: PeerScript, options: {
  context?: CallContext;
  fail?: { offer?: boolean; answer?: boolean };
  reporter?: Partial<CallReporterOptions>;
  act?: (inviter: Inviter, call: TrackedCall, peer: ScriptedPeer) => void | Promise<void>;
  beforeInvite?: (userAgent: UserAgent) => Promise<void>;
  twice?: boolean;
  delegate?: object;
} = {}): Promise<Placed> {
  const peer = new ScriptedPeer(script);
  const userAgent = await userAgentFor(peer, options.fail);
  agents.push(userAgent);
  const sent: FailedCallEvent[] = [];
  const warnings: string[] = [];
  const order: string[] = [];
  const reporter = createCallReporter({
    sentry: recording(sent),
    agent: "agent-007",
    warn: (message) => warnings.push(message),
    ...options.reporter,
  });

  const inviter = inviterTo(userAgent, "0900000001", options.delegate);
  const call = reporter.track(inviter, options.context ?? { campaign: "spring" });
  if (options.twice) {
    reporter.track(inviter, options.context ?? { campaign: "spring" });
  }

  inviter.stateChange.addListener((state) => order.push(`state ${state}`));
  await options.beforeInvite?.(userAgent);
  const invited = inviter.invite({
    requestDelegate: {
      onReject: (response) => order.push(`crm onReject ${response.message.statusCode}`),
      onRedirect: (response) => order.push(`crm onRedirect ${response.message.statusCode}`),
      onProgress: (response) => order.push(`crm onProgress ${response.message.statusCode}`),
    },
  }).catch((error: Error) => order.push(`invite rejected: ${error.message}`));
  await options.act?.(inviter, call, peer);
  await invited;
  const event = await call.done;
  return { event, sent, peer, order, warnings };
}

/** A Sentry client that keeps the sip context of each message: the events the reporter sent. */
function recording(sent: FailedCallEvent[]): CallReporterOptions["sentry"] {
  return {
    captureMessage: (_message, context) => {
      sent.push((context as { contexts: { sip: FailedCallEvent } }).contexts.sip);
      return "id";
    },
  };
}

const ringThen = (finalFile: string): PeerScript => (request, peer) => {
  if (request.method === "INVITE") {
    peer.respond(request, "100 Trying");
    peer.respond(request, "180 Ringing", [], "", 5);
    peer.respondWithCapture(request, finalFile, 20);
  }
};

const ringUntilCancel: PeerScript = (request, peer) => {
  if (request.method === "INVITE") {
    peer.respond(request, "100 Trying");
    peer.respond(request, "180 Ringing", [], "", 5);
  } else if (request.method === "CANCEL") {
    peer.respond(request, "200 OK");
    const invite = peer.requests.find((sent) => sent.method === "INVITE")!;
    peer.respond(invite, "487 Request Terminated", [], "", 1);
  }
};

describe("a call the far end rejects", () => {
  it.each(sharedIndex())("$file gives one event with its code, phrase and whole response", async ({ file, code }) => {
    const { event, sent } = await place(ringThen(file));

    expect(sent).toHaveLength(1);
    expect(event).toEqual(sent[0]);
    expect(event?.sipCode).toBe(code);
    expect(event?.localCause).toBeUndefined();
    expect(event?.sipMessage).toMatch(new RegExp(`^SIP/2\\.0 ${code} `));
    expect(event?.ringing).toBe(true);
    expect(event?.postDialDelayMs).toBeGreaterThanOrEqual(0);
    expect(event?.ringDurationMs).toBeGreaterThanOrEqual(0);
    expect(event).toMatchObject({ phoneNumber: "0900000001", agent: "agent-007", tags: { campaign: "spring" } });
    expect(event?.callId).toBeTruthy();
  });

  it("keeps the response's Reason headers, which say why (16-480 has a Q.850 one and a SIP one)", async () => {
    const { event } = await place(ringThen("16-480.sip"));

    expect(event?.sipMessage).toMatch(/^Reason: Q\.850;cause=19/m);
    expect(event?.sipMessage).toMatch(/^Reason: SIP;/m);
  });

  it("has the code although SIP.js reaches Terminated before it calls onReject (SIP.js #850)", async () => {
    const { event, order } = await place(ringThen("01-486.sip"));

    expect(order.indexOf("state Terminated")).toBeLessThan(order.indexOf("crm onReject 486"));
    expect(event?.sipCode).toBe(486);
  });

  it("reports a 3xx, which SIP.js hands to onRedirect, not onReject", async () => {
    const { event, order } = await place(ringThen("15-302.sip"));

    expect(order).toContain("crm onRedirect 302");
    expect(event?.sipCode).toBe(302);
  });

  it("still calls the CRM's own delegates, after reading the response", async () => {
    const { order } = await place(ringThen("02-404.sip"));

    expect(order).toContain("crm onProgress 180");
    expect(order).toContain("crm onReject 404");
  });

  it("measures no ringing and no ring duration for a call rejected before it rang", async () => {
    const { event } = await place((request, peer) => {
      if (request.method === "INVITE") {
        peer.respondWithCapture(request, "02-404.sip", 5);
      }
    });

    expect(event).toMatchObject({ sipCode: 404, ringing: false });
    expect(event?.postDialDelayMs).toBeUndefined();
    expect(event?.ringDurationMs).toBeUndefined();
  });
});

describe("a call that ends without a final response from the network", () => {
  it("is a request_timeout, not a 408, when SIP.js gives up waiting (Timer B) and makes a 408 up", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const placed = place(() => undefined, {
      act: async () => {
        await vi.advanceTimersByTimeAsync(33_000);
      },
    });

    const { event, order } = await placed;

    expect(order).toContain("crm onReject 408");
    expect(event?.sipCode).toBeUndefined();
    expect(event?.localCause).toBe("request_timeout");
    expect(event?.sipMessage).toBeUndefined();
  });

  it("is a transport_error, not a 503, when SIP.js cannot send the INVITE and makes a 503 up", async () => {
    const { event, order } = await place(() => undefined, {
      beforeInvite: async (userAgent) => {
        await userAgent.transport.disconnect();
      },
    });

    expect(order).toContain("crm onReject 503");
    expect(event?.sipCode).toBeUndefined();
    expect(event?.localCause).toBe("transport_error");
  });

  it("is a transport_error reported at once when the WebSocket closes while the call rings", async () => {
    const { event, sent } = await place((request, peer) => {
      if (request.method === "INVITE") {
        peer.respond(request, "180 Ringing");
        setTimeout(() => peer.transport?.drop(), 10);
      }
    });

    expect(sent).toHaveLength(1);
    expect(event).toMatchObject({ localCause: "transport_error", ringing: true });
    expect(event?.sipCode).toBeUndefined();
  });

  it("is a media_error when no offer can be made (the microphone refused): no INVITE leaves", async () => {
    const { event, peer, order } = await place(() => undefined, { fail: { offer: true } });

    expect(peer.requests).toHaveLength(0);
    expect(order.some((step) => step.startsWith("invite rejected"))).toBe(true);
    expect(event).toMatchObject({ localCause: "media_error", ringing: false });
    expect(event?.sipCode).toBeUndefined();
  });

  it("is a media_error when the answer cannot be applied: SIP.js acks and hangs up, and no 2xx is reported", async () => {
    const { event, peer } = await place((request, transport) => {
      if (request.method === "INVITE") {
        transport.respond(request, "180 Ringing");
        transport.respond(request, "200 OK", ["Contact: <sip:0900000001@127.0.0.1:5070>"], Answer, 5);
      } else if (request.method === "BYE") {
        transport.respond(request, "200 OK");
      }
    }, { fail: { answer: true } });

    expect(peer.requests.map((request) => request.method)).toEqual(expect.arrayContaining(["ACK", "BYE"]));
    expect(event).toMatchObject({ localCause: "media_error", ringing: true });
    expect(event?.sipCode).toBeUndefined();
  });
});

describe("a call the CRM cancels", () => {
  it("is the 487 with cancelled_before_response when the agent hangs up while it rings", async () => {
    const { event } = await place(ringUntilCancel, {
      act: async (inviter) => {
        await new Promise((resolve) => setTimeout(resolve, 30));
        await inviter.cancel();
      },
    });

    expect(event).toMatchObject({ sipCode: 487, localCause: "cancelled_before_response", ringing: true });
  });

  it("is the 487 with ring_timeout when the CRM's ring timeout runs out, with how long it rang", async () => {
    const { event, peer } = await place(ringUntilCancel, { context: { ringTimeoutMs: 60 } });

    expect(peer.requests.map((request) => request.method)).toContain("CANCEL");
    expect(event).toMatchObject({ sipCode: 487, localCause: "ring_timeout", ringing: true });
    expect(event?.ringDurationMs).toBeGreaterThanOrEqual(40);
  });

  it("is cancelled_before_response with no code when the agent cancels before the INVITE even left", async () => {
    const { event, peer } = await place(() => undefined, {
      act: async (_inviter, call) => {
        await call.cancel();
      },
    });

    expect(peer.requests.filter((request) => request.method === "INVITE")).toHaveLength(0);
    expect(event?.sipCode).toBeUndefined();
    expect(event?.localCause).toBe("cancelled_before_response");
  });
});

describe("an answered call", () => {
  const answer: PeerScript = (request, peer) => {
    if (request.method === "INVITE") {
      peer.respond(request, "180 Ringing");
      peer.respond(request, "200 OK", ["Contact: <sip:0900000001@127.0.0.1:5070>"], Answer, 5);
    } else if (request.method === "BYE") {
      peer.respond(request, "200 OK");
    }
  };

  it("is not reported by default", async () => {
    const { event, sent } = await place(answer);

    expect(event).toBeUndefined();
    expect(sent).toHaveLength(0);
  });

  it("is reported as a 200 when the CRM asks for answered calls, for answer ratios", async () => {
    const { event } = await place(answer, { reporter: { reportAnswered: true } });

    expect(event).toMatchObject({ sipCode: 200, ringing: true });
  });
});

describe("the reporter itself", () => {
  it("never sends the SIP password, nor a credential a proxy echoes back", async () => {
    const { event } = await place((request, peer) => {
      if (request.method === "INVITE") {
        peer.respond(request, "403 Forbidden", ["Proxy-Authorization: Digest username=\"agent-007\", response=\"x\""]);
      }
    });

    const text = JSON.stringify(event);
    expect(text).not.toContain("sip-password-never-sent");
    expect(text).not.toMatch(/Proxy-Authorization/i);
    expect(event?.sipCode).toBe(403);
  });

  it("gives each event a UUID even on a plain-http page, where crypto.randomUUID does not exist", async () => {
    const randomUUID = crypto.randomUUID;
    Object.defineProperty(crypto, "randomUUID", { value: undefined, configurable: true });
    try {
      const { event } = await place(ringThen("01-486.sip"));

      expect(event?.eventId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    } finally {
      Object.defineProperty(crypto, "randomUUID", { value: randomUUID, configurable: true });
    }
  });

  it("reports a call tracked twice once (a framework that runs its setup twice)", async () => {
    const { sent } = await place(ringThen("01-486.sip"), {
      beforeInvite: async () => undefined,
      act: async () => undefined,
      reporter: {},
      twice: true,
    });

    expect(sent).toHaveLength(1);
  });

  it("leaves the CRM's session delegate as it is, a class instance included, and its methods are called", async () => {
    class CrmDelegate {
      readonly seen: string[] = [];

      onSessionDescriptionHandler(): void {
        this.seen.push("handler");
      }
    }

    const crm = new CrmDelegate();
    const { event } = await place(ringThen("01-486.sip"), {
      delegate: crm,
      act: (inviter) => {
        expect(inviter.delegate).toBe(crm);
      },
    });

    expect(event?.sipCode).toBe(486);
    expect(crm.seen).toEqual(["handler"]);
  });

  it("leaves a frozen delegate alone, and still sees a media failure on the answer", async () => {
    const frozen = Object.freeze({ onBye: () => undefined });
    const { event } = await place((request, peer) => {
      if (request.method === "INVITE") {
        peer.respond(request, "180 Ringing");
        peer.respond(request, "200 OK", [], Answer, 5);
      } else if (request.method === "BYE") {
        peer.respond(request, "200 OK");
      }
    }, { fail: { answer: true }, delegate: frozen });

    expect(event).toMatchObject({ localCause: "media_error", ringing: true });
  });

  it("does not throw into the CRM for a null context", async () => {
    const { event } = await place(ringThen("01-486.sip"), { context: null as never });

    expect(event).toMatchObject({ sipCode: 486, phoneNumber: "0900000001" });
  });

  it("reports nothing for an Inviter disposed before invite(): no call was placed", async () => {
    const peer = new ScriptedPeer(() => undefined);
    const userAgent = await userAgentFor(peer);
    agents.push(userAgent);
    const sent: FailedCallEvent[] = [];
    const reporter = createCallReporter({ sentry: recording(sent), agent: "agent-007" });
    const inviter = inviterTo(userAgent, "0900000001");

    const call = reporter.track(inviter);
    await inviter.dispose();

    expect(await call.done).toBeUndefined();
    expect(sent).toHaveLength(0);
  });

  it("takes the dialled number when the CRM passes phoneNumber: undefined", async () => {
    const { event } = await place(ringThen("01-486.sip"), { context: { phoneNumber: undefined } });

    expect(event?.phoneNumber).toBe("0900000001");
  });

  it("does not report a call tracked after invite(), whose final response it could not see, and says why", async () => {
    const peer = new ScriptedPeer(ringThen("01-486.sip"));
    const userAgent = await userAgentFor(peer);
    agents.push(userAgent);
    const sent: FailedCallEvent[] = [];
    const warnings: string[] = [];
    const reporter = createCallReporter({ sentry: recording(sent), warn: (message) => warnings.push(message) });
    const inviter = inviterTo(userAgent, "0900000001");

    const invited = inviter.invite();
    const call = reporter.track(inviter);
    await invited;
    await new Promise((resolve) => setTimeout(resolve, 60));

    expect(await call.done).toBeUndefined();
    expect(sent).toHaveLength(0);
    expect(warnings).toEqual([expect.stringContaining("track() came after invite()")]);
  });

  it("does not break the call when reporting fails, and says so once on the console", async () => {
    const { event, order, warnings } = await place(ringThen("01-486.sip"), {
      reporter: { sentry: { captureMessage: () => { throw new Error("SDK not initialised"); } } },
    });

    expect(order).toContain("crm onReject 486");
    expect(event?.sipCode).toBe(486);
    expect(warnings.some((warning) => warning.includes("Sentry client refused"))).toBe(true);
  });
});
