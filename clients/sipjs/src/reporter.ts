import type { Inviter, Session, Web } from "sip.js";
import type { CallContext, FailedCallEvent } from "./event.js";
import { EventQueue, type QueueStorage } from "./queue.js";
import { TrackedCall } from "./tracked-call.js";
import { nativeTransport, sentryMessage, type SentryLike } from "./transports.js";

export interface CallReporterOptions {
  /** CallTracker's address, e.g. https://calltracker.example.com. Not needed with `sentry`. */
  endpoint?: string;
  /** The project's ingest key (it can only write events). Not needed with `sentry`. */
  ingestKey?: string;
  /** Send through this Sentry SDK (already initialised with CallTracker's DSN) instead. */
  sentry?: SentryLike;
  /** The agent's id, for every call that does not name one. */
  agent?: string;
  /** Report answered calls too (as sipCode 200), so CallTracker can give answer ratios. Default: false. */
  reportAnswered?: boolean;
  /** Where events wait while CallTracker cannot be reached: localStorage by default in a browser; null for none. */
  storage?: QueueStorage | null;
  /** Events kept while CallTracker cannot be reached. Default: 500. */
  maxQueuedEvents?: number;
  /** Where to warn: console.warn by default. The reporter never throws into the CRM. */
  warn?: (message: string, error?: unknown) => void;
  /** For tests: the clock, and where event ids come from. */
  now?: () => number;
  newEventId?: () => string;
}

export interface CallReporter {
  /**
   * Watches an outgoing call: call it after `new Inviter(...)` and before `invite()`. The call is reported once,
   * when SIP.js is done with it, unless it was answered (and answered calls are not reported).
   */
  track(inviter: Inviter, context?: CallContext): TrackedCall;
  /** Tracks every call a SessionManager places; `contextFor` gives each call's context (the number dialled...). */
  trackSessionManager(manager: Web.SessionManager, contextFor?: (session: Session) => CallContext | undefined): void;
  /** The same for a SimpleUser (it keeps its SessionManager private; the reporter reaches it the same way). */
  trackSimpleUser(user: Web.SimpleUser, contextFor?: (session: Session) => CallContext | undefined): void;
  /** Resolves when every event queued so far was sent or dropped (waiting out retries), or the key is refused. */
  flush(): Promise<void>;
  /** Events still waiting to be sent. */
  readonly queued: number;
}

const StorageKey = "calltracker.failed-calls";

/**
 * The reporter a CRM creates once per page. Every failed call it tracks becomes one event, queued and sent
 * in the background; nothing it does can throw into the CRM or slow a call.
 */
export function createCallReporter(options: CallReporterOptions): CallReporter {
  const warn = options.warn ?? ((message: string, error?: unknown) =>
    console.warn(`[CallTracker] ${message}`, ...(error === undefined ? [] : [error])));
  const now = options.now ?? (() => Date.now());
  const newEventId = options.newEventId ?? uuid;

  let queue: EventQueue | undefined;
  if (!options.sentry) {
    if (!options.endpoint || !options.ingestKey) {
      throw new Error("createCallReporter needs an endpoint and an ingestKey (or a sentry client)");
    }

    queue = new EventQueue(nativeTransport({ endpoint: options.endpoint, ingestKey: options.ingestKey }), {
      storage: options.storage === undefined ? browserStorage() : options.storage,
      storageKey: `${StorageKey}.${options.ingestKey.slice(0, 8)}`,
      maxEvents: options.maxQueuedEvents ?? 500,
      batchSize: 100,
      baseDelayMs: 1_000,
      maxDelayMs: 5 * 60_000,
      warn,
    });
    watchUnload(queue);
    if (queue.size > 0) {
      void queue.flush(); // events a previous page left
    }
  }

  const report = (event: FailedCallEvent) => {
    if (queue) {
      queue.add(event);
    } else if (options.sentry) {
      try {
        sentryMessage(options.sentry, event);
      } catch (error) {
        warn("the Sentry client refused the failed-call event", error);
      }
    }
  };

  // A call tracked twice (trackSimpleUser run twice by a framework, or with track() as well) is one call.
  const tracked = new WeakMap<Inviter, TrackedCall>();
  const track = (inviter: Inviter, given?: CallContext | null) => {
    const context = given ?? {};
    const known = tracked.get(inviter);
    if (known) {
      return known;
    }

    const call = new TrackedCall(inviter, { ...context, phoneNumber: context.phoneNumber ?? dialled(inviter) }, {
      now,
      newEventId,
      agent: options.agent,
      reportAnswered: options.reportAnswered ?? false,
      report,
      warn,
    });
    tracked.set(inviter, call);
    return call;
  };

  const managers = new WeakSet<Web.SessionManager>();
  const trackSessionManager = (
    manager: Web.SessionManager, contextFor?: (session: Session) => CallContext | undefined) => {
    if (!manager || managers.has(manager)) {
      return;
    }

    // onCallCreated comes before the INVITE is sent, which is when tracking must start; incoming calls are not
    // ours. Set on the manager's own delegate object (its other methods, a class's included, stay as they are);
    // a frozen one cannot take it, and each call must then be tracked with track().
    const delegate = manager.delegate ?? {};
    const own = delegate.onCallCreated;
    try {
      delegate.onCallCreated = (session: Session) => {
        if (isInviter(session)) {
          try {
            track(session, contextFor?.(session) ?? {});
          } catch (error) {
            warn("could not track a call", error);
          }
        }

        own?.call(delegate, session);
      };
      manager.delegate = delegate;
      managers.add(manager);
    } catch (error) {
      warn("the SessionManager's delegate cannot be changed (frozen?): track each call with track()", error);
    }
  };

  return {
    track,
    trackSessionManager,
    trackSimpleUser(user, contextFor) {
      const manager = (user as unknown as { sessionManager?: Web.SessionManager } | undefined)?.sessionManager;
      if (!manager) {
        warn("this SimpleUser has no sessionManager: calls are not tracked");
        return;
      }

      trackSessionManager(manager, contextFor);
    },
    flush: () => queue?.flush() ?? Promise.resolve(),
    get queued() {
      return queue?.size ?? 0;
    },
  };
}

/**
 * A random (version 4) UUID for an event's id. crypto.randomUUID exists only in secure contexts (https,
 * localhost), and a CRM on plain http still needs ids; getRandomValues is there in every context.
 */
function uuid(): string {
  const random = (globalThis as { crypto?: Crypto }).crypto;
  if (typeof random?.randomUUID === "function") {
    return random.randomUUID();
  }

  // Node 18 has no global crypto at all: ids need to be unique, not secret, so Math.random will do there.
  const bytes = random?.getRandomValues
    ? random.getRandomValues(new Uint8Array(16))
    : Uint8Array.from({ length: 16 }, () => Math.floor(Math.random() * 256));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The number as dialled: the user part of the INVITE's Request-URI. */
function dialled(inviter: Inviter): string | undefined {
  try {
    return inviter.request.ruri.user || undefined;
  } catch {
    return undefined;
  }
}

function isInviter(session: Session): session is Inviter {
  return typeof (session as Partial<Inviter>).cancel === "function"
    && typeof (session as Partial<Inviter>).invite === "function";
}

function browserStorage(): QueueStorage | null {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    return null; // a sandboxed frame may forbid it
  }
}

/**
 * When the page goes away (pagehide: unload, or into the back-forward cache), what is still queued leaves with
 * keepalive; the rest waits in storage. Not on every hidden tab (visibilitychange), which would send the same
 * events again at each switch of tabs.
 */
function watchUnload(queue: EventQueue): void {
  if (typeof addEventListener === "function") {
    addEventListener("pagehide", () => queue.sendAtUnload());
  }
}
