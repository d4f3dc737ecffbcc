// What a call's end looks like to CallTracker: the native event of POST /api/v1/events, and the one pure
// function that turns what the reporter saw of a call into it. Kept free of SIP.js objects so that every
// path (and every ordering SIP.js may deliver them in) is decided in one place.

/** Why a call ended, as CallTracker's `localCause` names it, when the network's answer does not say. */
export type LocalCause =
  | "transport_error"
  | "request_timeout"
  | "media_error"
  | "cancelled_before_response"
  | "ring_timeout"
  | "unknown";

/** Why the CRM (or the reporter's ring timer) cancelled a call. */
export type CancelCause = "cancelled_before_response" | "ring_timeout";

/** What the CRM knows about a call, passed with it. Every field is optional. */
export interface CallContext {
  /** The number as the agent dialled it; CallTracker normalises it. Default: the user part of the target URI. */
  phoneNumber?: string;
  /** The agent's id in the CRM. Default: the reporter's `agent`. */
  agent?: string;
  /** Kept as the tag `campaign`. */
  campaign?: string;
  /** The carrier trunk or route the call went out on. */
  trunk?: string;
  /** Up to 50 string tags (CRM lead id, queue, ...). */
  tags?: Record<string, string>;
  /** Anything else worth keeping with the event (numbers, flags), stored as `extra`. */
  extra?: Record<string, unknown>;
  /** Cancel the call when nobody answered within this many milliseconds (the CRM's ring timeout). */
  ringTimeoutMs?: number;
}

/** A final response as the reporter saw it. */
export interface SeenResponse {
  statusCode: number;
  reasonPhrase: string;
  /** The whole response as received (status line, headers, body); absent for one SIP.js made up itself. */
  raw?: string;
}

/** Everything the reporter observed of one call, in the order SIP.js happened to deliver it. */
export interface CallObservation {
  callId?: string;
  /** When the INVITE went out (the session reached Establishing). */
  startedAt?: number;
  /** The first 180 Ringing or 183 Session Progress. */
  ringingAt?: number;
  endedAt: number;
  /** A 3xx-6xx final response, if one arrived. */
  final?: SeenResponse;
  /** A 2xx arrived and the session was established. */
  answered: boolean;
  /** Set when the CRM or the ring timer cancelled the call. */
  cancelCause?: CancelCause;
  /** The session description handler failed: no offer could be made, or the answer could not be applied. */
  mediaFailed: boolean;
  /** The transport to the SIP server closed while the call waited for its final response. */
  transportLost: boolean;
}

/** The failed-call event, in CallTracker's native contract (POST /api/v1/events). */
export interface FailedCallEvent {
  eventId: string;
  occurredAt: string;
  sipCode?: number;
  reasonPhrase?: string;
  /** The response as received: CallTracker reads its headers (Reason, Warning, Retry-After) itself. */
  sipMessage?: string;
  localCause?: LocalCause;
  phoneNumber?: string;
  agent?: string;
  callId?: string;
  direction: "outbound";
  trunk?: string;
  ringing: boolean;
  postDialDelayMs?: number;
  ringDurationMs?: number;
  tags?: Record<string, string>;
  extra?: Record<string, unknown>;
}

/**
 * A response SIP.js made up itself rather than received: on a transaction timeout it acts as if a 408 came, on a
 * transport error as if a 503 came (RFC 3261 8.1.3.1), with no raw text and no Call-ID. Reporting those as the
 * network's 408 or 503 would blame the far end for what happened between the browser and its SIP server.
 */
export function isMadeUp(response: SeenResponse): boolean {
  return response.raw === undefined || response.raw.length === 0;
}

/**
 * The event for a call, or undefined when there is nothing to report (an answered call, unless answered calls
 * are reported). Decides in this order: answered; a real final response (with the cancel's cause on the 487 a
 * cancel draws); otherwise the local cause: the cancel, a media failure, the transport, SIP.js's own timeout.
 */
export function describeCall(
  seen: CallObservation,
  context: CallContext,
  options: { eventId: string; agent?: string; reportAnswered: boolean },
): FailedCallEvent | undefined {
  if (seen.answered && !options.reportAnswered) {
    return undefined;
  }

  const event: FailedCallEvent = {
    eventId: options.eventId,
    occurredAt: new Date(seen.endedAt).toISOString(),
    direction: "outbound",
    ringing: seen.ringingAt !== undefined,
    ...timings(seen),
    ...contextFields(context, options.agent),
  };
  if (seen.callId) {
    event.callId = seen.callId;
  }

  if (seen.answered) {
    return { ...event, sipCode: 200, reasonPhrase: "OK" };
  }

  const real = seen.final && !isMadeUp(seen.final) ? seen.final : undefined;
  if (real) {
    event.sipCode = real.statusCode;
    event.reasonPhrase = real.reasonPhrase;
    event.sipMessage = withoutCredentials(real.raw ?? "");
    if (real.statusCode === 487 && seen.cancelCause) {
      event.localCause = seen.cancelCause;
    }

    return event;
  }

  event.localCause = localCause(seen);
  return event;
}

function localCause(seen: CallObservation): LocalCause {
  if (seen.cancelCause) {
    return seen.cancelCause;
  }

  if (seen.transportLost) {
    return "transport_error";
  }

  if (seen.mediaFailed) {
    return "media_error";
  }

  if (seen.final?.statusCode === 503) {
    return "transport_error";
  }

  if (seen.final?.statusCode === 408) {
    return "request_timeout";
  }

  return "unknown";
}

/** Post-dial delay (INVITE to first ringing) and ring duration (first ringing to the end), in whole ms. */
function timings(seen: CallObservation): Pick<FailedCallEvent, "postDialDelayMs" | "ringDurationMs"> {
  if (seen.startedAt === undefined || seen.ringingAt === undefined) {
    return {};
  }

  return {
    postDialDelayMs: Math.max(0, Math.round(seen.ringingAt - seen.startedAt)),
    ringDurationMs: Math.max(0, Math.round(seen.endedAt - seen.ringingAt)),
  };
}

function contextFields(context: CallContext, defaultAgent: string | undefined): Partial<FailedCallEvent> {
  const fields: Partial<FailedCallEvent> = {};
  if (context.phoneNumber) {
    fields.phoneNumber = context.phoneNumber;
  }

  const agent = context.agent ?? defaultAgent;
  if (agent) {
    fields.agent = agent;
  }

  if (context.trunk) {
    fields.trunk = context.trunk;
  }

  const tags = { ...(context.tags ?? {}), ...(context.campaign ? { campaign: context.campaign } : {}) };
  if (Object.keys(tags).length > 0) {
    fields.tags = tags;
  }

  if (context.extra && Object.keys(context.extra).length > 0) {
    fields.extra = context.extra;
  }

  return fields;
}

/**
 * A response does not carry the caller's credentials, but a proxy may echo request headers back: drop any
 * Authorization or Proxy-Authorization line before the text leaves the browser. (Challenges, which carry only
 * a nonce, stay: CallTracker explains a 401 or 407 with them.)
 */
export function withoutCredentials(raw: string): string {
  return raw
    .split(/\r?\n/)
    .filter((line) => !/^\s*(proxy-)?authorization\s*:/i.test(line))
    .join("\r\n");
}
