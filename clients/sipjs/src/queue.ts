import type { FailedCallEvent } from "./event.js";

/** What a transport made of one attempt to send some events. */
export type SendOutcome =
  /** Stored (or already stored: a duplicate id is a success). */
  | { kind: "sent" }
  /** CallTracker refused them for good (a 4xx other than 408 and 429): sending again would not help. */
  | { kind: "refused"; status: number; detail: string }
  /** Try again later: a network error, 408, 429 or 5xx; retryAfterMs when the answer said how long. */
  | { kind: "retry"; reason: string; retryAfterMs?: number }
  /** CallTracker refuses this page's requests whatever they hold (a wrong key, 401 or 403; a wrong endpoint, 404). */
  | { kind: "blocked"; status: number; detail: string };

export interface Transport {
  send(events: FailedCallEvent[], options: { keepalive: boolean }): Promise<SendOutcome>;
}

/** The part of the Web Storage API the queue uses: localStorage in a browser. */
export interface QueueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export interface QueueOptions {
  storage?: QueueStorage | null;
  storageKey: string;
  /** Events kept while CallTracker cannot be reached; past it the oldest go (with a warning). */
  maxEvents: number;
  /** Events per request. */
  batchSize: number;
  /** First wait after a failure; it doubles up to maxDelayMs, with jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
  warn(message: string, error?: unknown): void;
}

/** A Retry-After is honoured up to an hour; a longer one (or a date far ahead) is more likely a mistake. */
const MaxRetryAfterMs = 60 * 60_000;

/** A keepalive request may carry at most 64 KiB in all; a little is left for the headers. */
const KeepaliveBytes = 60 * 1024;

/**
 * The events waiting to be sent, in order, kept in storage so that a reload or a crash of the tab loses none.
 *
 * One request at a time. A refused batch of several is split so that one bad event cannot block the others;
 * a refused single event is dropped with a warning. Retries wait Retry-After when CallTracker gave one, else a
 * doubling delay with jitter (so that every agent's browser does not come back at the same second). Each event
 * keeps its eventId through every retry and reload, so CallTracker stores it once however often it is sent.
 */
export class EventQueue {
  private events: FailedCallEvent[];
  private sending = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private failures = 0;
  private idle: Array<() => void> = [];
  private blocked = false;

  constructor(
    private readonly transport: Transport,
    private readonly options: QueueOptions,
  ) {
    this.events = this.load();
  }

  get size(): number {
    return this.events.length;
  }

  add(event: FailedCallEvent): void {
    this.events.push(event);
    const over = this.events.length - this.options.maxEvents;
    if (over > 0) {
      this.events.splice(0, over);
      this.options.warn(`${over} failed-call event(s) dropped: more than ${this.options.maxEvents} waiting to be sent`);
    }

    this.store((stored) => [...stored, event]);
    this.schedule(0);
  }

  /**
   * Resolves when nothing is left that can be sent now: every event sent or dropped, or CallTracker refusing this
   * page's requests (blocked: a wrong key or endpoint, which only a change of setup mends). Events waiting out a
   * Retry-After or a backoff keep it waiting.
   */
  flush(): Promise<void> {
    if ((this.events.length === 0 || this.blocked) && !this.sending) {
      return Promise.resolve();
    }

    const done = new Promise<void>((resolve) => this.idle.push(resolve));
    this.schedule(0);
    return done;
  }

  /**
   * At page unload: what fits in one keepalive request goes now, without waiting for an answer the page will not
   * live to read. The events stay in storage, so the next page sends them again if they did not arrive; their
   * ids make that harmless.
   */
  sendAtUnload(): void {
    const batch: FailedCallEvent[] = [];
    const encoder = new TextEncoder();
    let bytes = 2;
    for (const event of this.events) {
      bytes += encoder.encode(JSON.stringify(event)).length + 1;
      if (bytes > KeepaliveBytes) {
        break;
      }

      batch.push(event);
    }

    if (batch.length > 0) {
      this.transport.send(batch, { keepalive: true }).catch(() => undefined);
    }
  }

  /**
   * Sends after the delay, unless a send is under way or already planned: a new event never cuts short the wait a
   * Retry-After or the backoff asked for (it goes with the next send).
   */
  private schedule(delayMs: number, retry = false): void {
    if (this.sending || this.timer !== undefined) {
      return;
    }

    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.drain();
    }, delayMs);

    // In Node, a retry waiting for minutes must not keep the process alive (a browser has no such method).
    if (retry) {
      (this.timer as { unref?: () => void }).unref?.();
    }
  }

  private async drain(): Promise<void> {
    if (this.sending) {
      return;
    }

    this.sending = true;
    let size = this.options.batchSize;
    try {
      while (this.events.length > 0) {
        const batch = this.events.slice(0, size);
        const outcome = await this.send(batch);
        if (outcome.kind === "retry" || outcome.kind === "blocked") {
          this.failures++;
          this.sending = false;
          if (outcome.kind === "blocked" && !this.blocked) {
            this.options.warn(`CallTracker refuses this page's events (${outcome.status}: ${outcome.detail}): `
              + "check the endpoint and the ingest key; the events are kept and sent again every few minutes");
          }

          this.blocked = outcome.kind === "blocked";
          const wait = outcome.kind === "blocked" ? this.options.maxDelayMs : this.delay(outcome.retryAfterMs);
          this.schedule(wait, true);
          if (this.blocked) {
            this.settle();
          }

          return;
        }

        this.blocked = false;
        this.failures = 0;
        if (outcome.kind === "refused" && batch.length > 1) {
          // A batch is all or nothing on the server: halve it until the event it refuses is alone.
          size = Math.max(1, Math.floor(batch.length / 2));
          continue;
        }

        size = this.options.batchSize;
        if (outcome.kind === "refused") {
          this.options.warn(
            `CallTracker refused a failed-call event (${outcome.status}: ${outcome.detail}); it is dropped`);
        }

        this.remove(batch);
      }
    } finally {
      this.sending = false;
    }

    this.settle();
  }

  private settle(): void {
    for (const resolve of this.idle.splice(0)) {
      resolve();
    }
  }

  private async send(batch: FailedCallEvent[]): Promise<SendOutcome> {
    try {
      return await this.transport.send(batch, { keepalive: false });
    } catch (error) {
      return { kind: "retry", reason: error instanceof Error ? error.message : String(error) };
    }
  }

  private remove(batch: FailedCallEvent[]): void {
    const ids = new Set(batch.map((event) => event.eventId));
    this.events = this.events.filter((event) => !ids.has(event.eventId));
    this.store((stored) => stored.filter((event) => !ids.has(event.eventId)));
  }

  private delay(retryAfterMs: number | undefined): number {
    if (retryAfterMs !== undefined) {
      return Math.min(retryAfterMs, MaxRetryAfterMs);
    }

    const doubling = this.options.baseDelayMs * 2 ** Math.min(this.failures - 1, 16);
    const capped = Math.min(doubling, this.options.maxDelayMs);
    return Math.round(capped / 2 + Math.random() * (capped / 2));
  }

  private load(): FailedCallEvent[] {
    return this.read() ?? [];
  }

  private read(): FailedCallEvent[] | undefined {
    const storage = this.options.storage;
    if (!storage) {
      return undefined;
    }

    try {
      const stored = JSON.parse(storage.getItem(this.options.storageKey) ?? "[]") as unknown;
      return Array.isArray(stored) ? (stored as FailedCallEvent[]).filter((event) => event?.eventId) : [];
    } catch (error) {
      this.options.warn("the stored failed-call events could not be read; starting empty", error);
      return [];
    }
  }

  /**
   * Changes what is stored by reading it again first: another tab of the CRM keeps its events under the same key,
   * and writing this tab's list over it would lose theirs. (Events a closed tab left are taken up by the next page
   * that starts; two pages may both send them, which their ids make harmless.)
   */
  private store(change: (stored: FailedCallEvent[]) => FailedCallEvent[]): void {
    const storage = this.options.storage;
    const stored = this.read();
    if (!storage || !stored) {
      return;
    }

    try {
      const kept = change(stored).slice(-this.options.maxEvents);
      storage.setItem(this.options.storageKey, JSON.stringify(kept));
    } catch (error) {
      // Storage full or forbidden (private mode): the events are still sent from memory.
      this.options.warn("the failed-call events could not be stored", error);
    }
  }
}
