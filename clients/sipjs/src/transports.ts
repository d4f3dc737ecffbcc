import type { FailedCallEvent } from "./event.js";
import type { SendOutcome, Transport } from "./queue.js";

/**
 * CallTracker's own ingestion: POST /api/v1/events with the events as a JSON array.
 *
 * Sent as text/plain with the ingest key in `?key=`: a "simple" request in the Fetch standard, so the browser
 * sends no CORS preflight, and a keepalive request at unload is allowed. (The ingest key only writes events,
 * and is meant to live in the page.) The CRM's origin must be among the project's allowedOrigins (or none set)
 * for the page to read the answer.
 */
export function nativeTransport(options: { endpoint: string; ingestKey: string; fetch?: typeof fetch }): Transport {
  const url = `${options.endpoint.replace(/\/+$/, "")}/api/v1/events?key=${encodeURIComponent(options.ingestKey)}`;
  const send = options.fetch ?? ((input, init) => fetch(input, init));
  return {
    async send(events, { keepalive }): Promise<SendOutcome> {
      const response = await send(url, {
        method: "POST",
        headers: { "Content-Type": "text/plain;charset=UTF-8" },
        body: JSON.stringify(events),
        keepalive,
        credentials: "omit",
      });
      if (response.ok) {
        return { kind: "sent" };
      }

      const status = response.status;
      if (status === 408 || status === 429 || status >= 500) {
        const wait = retryAfter(response.headers.get("Retry-After"));
        return { kind: "retry", reason: `HTTP ${status}`, retryAfterMs: wait };
      }

      // About the events (a bad field, too large): those are dropped. Anything else (401 or 403: the key is
      // wrong or revoked; 404: the endpoint) is about this page's setup and would refuse every event alike.
      return status === 400 || status === 413 || status === 422
        ? { kind: "refused", status, detail: await problem(response) }
        : { kind: "blocked", status, detail: await problem(response) };
    },
  };
}

/** The part of a Sentry browser SDK the reporter calls. */
export interface SentryLike {
  captureMessage(message: string, context?: Record<string, unknown>): string;
}

/**
 * Through a Sentry SDK the CRM already has, pointed at CallTracker's DSN: one message per failed call with the
 * event in the `sip` context, which CallTracker reads as a failed-call event. Delivery, retries and rate limits
 * are the SDK's then; the reporter's queue is not used.
 */
export function sentryMessage(sentry: SentryLike, event: FailedCallEvent): void {
  const what = event.sipCode !== undefined ? `${event.sipCode} ${event.reasonPhrase ?? ""}`.trim() : event.localCause;
  sentry.captureMessage(`SIP call failed: ${what}`, {
    level: "warning",
    contexts: { sip: event },
    tags: { ...(event.tags ?? {}), ...(event.sipCode !== undefined ? { "sip.code": String(event.sipCode) } : {}) },
  });
}

/** Retry-After in seconds or as an HTTP date, in milliseconds; undefined when absent or unreadable. */
export function retryAfter(header: string | null): number | undefined {
  if (!header) {
    return undefined;
  }

  const seconds = Number(header.trim());
  if (Number.isFinite(seconds) && seconds >= 0) {
    return seconds * 1000;
  }

  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** What a refusal says: a ProblemDetails' detail, or its first field error, or the status text. */
async function problem(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { detail?: string; title?: string; errors?: Record<string, string[]> };
    const firstError = body.errors ? Object.entries(body.errors)[0] : undefined;
    if (firstError) {
      return `${firstError[0]}: ${firstError[1][0] ?? ""}`;
    }

    return body.detail ?? body.title ?? response.statusText;
  } catch {
    return response.statusText;
  }
}
