// @vitest-environment jsdom
// The queue between a call's end and CallTracker, against a real HTTP server on loopback that answers as told
// (202, 400, 429, 503, or nothing at all), with jsdom's localStorage standing in for the browser's.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { FailedCallEvent } from "../src/index.js";
import { EventQueue, type QueueOptions } from "../src/queue.js";
import { nativeTransport } from "../src/transports.js";

interface Received {
  events: FailedCallEvent[];
  at: number;
  url: string;
  contentType: string | undefined;
}

/** What the stand-in answers next; `refuse` turns it into a 400 for any batch holding such an event, every time. */
interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  refuse?: (event: FailedCallEvent) => boolean;
}

/** A CallTracker stand-in that records each POST and answers with the next scripted status. */
class Receiver {
  readonly received: Received[] = [];
  answers: Answer[] = [];
  private server!: Server;

  async start(): Promise<void> {
    this.server = createServer(async (request, response) => {
      const events = JSON.parse(await read(request)) as FailedCallEvent[];
      const contentType = request.headers["content-type"];
      this.received.push({ events, at: Date.now(), url: request.url ?? "", contentType });
      const answer = this.answers.shift() ?? { status: 202 };
      const refused = answer.refuse && events.some(answer.refuse);
      const status = refused ? 400 : answer.refuse ? 202 : answer.status;
      if (answer.refuse) {
        this.answers.unshift(answer); // keeps refusing that event whenever it comes
      }

      response.writeHead(status, { "Content-Type": "application/problem+json", ...(answer.headers ?? {}) });
      response.end(JSON.stringify(answer.body ?? (status === 400
        ? { title: "One or more validation errors occurred.", errors: { "[0].sipCode": ["sipCode must be 100-699."] } }
        : {})));
    });
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
  }

  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function read(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    request.on("end", () => resolve(body));
  });
}

let receiver: Receiver;
let warnings: string[];

beforeEach(async () => {
  localStorage.clear();
  receiver = new Receiver();
  warnings = [];
  await receiver.start();
});

afterEach(() => receiver.stop());

function queueTo(endpoint: string, options: Partial<QueueOptions> = {}, fetcher?: typeof fetch): EventQueue {
  return new EventQueue(nativeTransport({ endpoint, ingestKey: "ingest-key-0123456789", fetch: fetcher }), {
    storage: localStorage,
    storageKey: "calltracker.test",
    maxEvents: 500,
    batchSize: 100,
    baseDelayMs: 50,
    maxDelayMs: 200,
    warn: (message) => warnings.push(message),
    ...options,
  });
}

let serial = 0;
function failedCall(sipCode = 486): FailedCallEvent {
  serial++;
  return {
    eventId: `00000000-0000-4000-8000-${String(serial).padStart(12, "0")}`,
    occurredAt: new Date().toISOString(),
    sipCode,
    direction: "outbound",
    ringing: false,
    agent: "agent-007",
  };
}

describe("the event queue", () => {
  it("sends what is queued in one request, as text/plain with the key in the URL, and then forgets it", async () => {
    const queue = queueTo(receiver.endpoint);

    queue.add(failedCall());
    queue.add(failedCall(404));
    await queue.flush();

    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]!.events.map((event) => event.sipCode)).toEqual([486, 404]);
    expect(receiver.received[0]!.url).toBe("/api/v1/events?key=ingest-key-0123456789");
    expect(receiver.received[0]!.contentType).toMatch(/^text\/plain/);
    expect(queue.size).toBe(0);
    expect(JSON.parse(localStorage.getItem("calltracker.test")!)).toEqual([]);
  });

  it("drops only the event CallTracker refuses (400), with a warning, and sends the others", async () => {
    receiver.answers = [{ status: 202, refuse: (event) => event.sipCode === 999 }];
    const queue = queueTo(receiver.endpoint);
    const good = [failedCall(486), failedCall(404), failedCall(480)];

    queue.add(good[0]!);
    queue.add({ ...failedCall(), sipCode: 999 });
    queue.add(good[1]!);
    queue.add(good[2]!);
    await queue.flush();

    const stored = receiver.received.filter((request) => !request.events.some((event) => event.sipCode === 999))
      .flatMap((request) => request.events.map((event) => event.eventId));
    expect(new Set(stored)).toEqual(new Set(good.map((event) => event.eventId)));
    expect(queue.size).toBe(0);
    expect(warnings).toEqual([expect.stringContaining("refused a failed-call event (400: [0].sipCode")]);
  });

  it("waits as long as a 429's Retry-After says, then sends the same event again", async () => {
    receiver.answers = [{ status: 429, headers: { "Retry-After": "1" } }];
    const queue = queueTo(receiver.endpoint);
    const event = failedCall();

    queue.add(event);
    await queue.flush();

    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[1]!.at - receiver.received[0]!.at).toBeGreaterThanOrEqual(900);
    expect(receiver.received.map((request) => request.events[0]!.eventId)).toEqual([event.eventId, event.eventId]);
  });

  it("retries a 503 and a 500 with the same eventId until they are stored", async () => {
    receiver.answers = [{ status: 503 }, { status: 500 }, { status: 202 }];
    const queue = queueTo(receiver.endpoint);
    const event = failedCall();

    queue.add(event);
    await queue.flush();

    expect(receiver.received.map((request) => request.events[0]!.eventId)).toEqual(Array(3).fill(event.eventId));
    expect(warnings).toEqual([]);
  });

  it("keeps events in storage while CallTracker cannot be reached, and the next page sends them", async () => {
    const down = queueTo("http://127.0.0.1:9", { baseDelayMs: 60_000, maxDelayMs: 60_000 });
    const event = failedCall();

    down.add(event);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const reloaded = queueTo(receiver.endpoint);
    await reloaded.flush();

    expect(down.size).toBe(1);
    expect(receiver.received.flatMap((request) => request.events.map((sent) => sent.eventId))).toEqual([event.eventId]);
  });

  it("keeps at most maxEvents, dropping the oldest with a warning", async () => {
    const down = queueTo("http://127.0.0.1:9", { maxEvents: 3, baseDelayMs: 60_000, maxDelayMs: 60_000 });
    const events = [failedCall(), failedCall(), failedCall(), failedCall(), failedCall()];

    events.forEach((event) => down.add(event));

    const stored = JSON.parse(localStorage.getItem("calltracker.test")!) as FailedCallEvent[];
    expect(stored.map((event) => event.eventId)).toEqual(events.slice(2).map((event) => event.eventId));
    expect(warnings.filter((warning) => warning.includes("dropped"))).toHaveLength(2);
  });

  it("sends what is left with keepalive when the page goes away", async () => {
    const keepalive: boolean[] = [];
    const recording: typeof fetch = (input, init) => {
      keepalive.push(init?.keepalive ?? false);
      return fetch(input, init);
    };
    const queue = queueTo(receiver.endpoint, { baseDelayMs: 60_000, maxDelayMs: 60_000 }, recording);
    receiver.answers = [{ status: 503 }];
    queue.add(failedCall());
    await new Promise((resolve) => setTimeout(resolve, 200));

    queue.sendAtUnload();
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect(keepalive).toEqual([false, true]);
    expect(receiver.received).toHaveLength(2);
    expect(queue.size).toBe(1); // still stored: the next page sends it again if it did not arrive
  });

  it("keeps every event when the key or the endpoint is refused (401), warns once and tries again later", async () => {
    receiver.answers = [{ status: 401 }, { status: 401 }];
    const queue = queueTo(receiver.endpoint, { maxDelayMs: 300 });
    const events = [failedCall(), failedCall(), failedCall()];

    events.forEach((event) => queue.add(event));
    await new Promise((resolve) => setTimeout(resolve, 150));
    const whileRefused = { requests: receiver.received.length, queued: queue.size };
    await queue.flush(); // resolves while blocked: nothing can be sent until the setup changes
    const afterFlush = queue.size;
    await vi.waitFor(() => expect(queue.size).toBe(0), { timeout: 5_000 });

    expect(whileRefused).toEqual({ requests: 1, queued: 3 });
    expect(afterFlush).toBe(3);
    expect(warnings).toEqual([expect.stringContaining("check the endpoint and the ingest key")]);
    expect(receiver.received.at(-1)!.events.map((event) => event.eventId)).toEqual(events.map((e) => e.eventId));
  });

  it("does not cut a Retry-After short when a new call fails meanwhile: the new event waits with the others", async () => {
    receiver.answers = [{ status: 429, headers: { "Retry-After": "1" } }];
    const queue = queueTo(receiver.endpoint);

    queue.add(failedCall());
    await new Promise((resolve) => setTimeout(resolve, 100));
    queue.add(failedCall());
    await queue.flush();

    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[1]!.at - receiver.received[0]!.at).toBeGreaterThanOrEqual(900);
    expect(receiver.received[1]!.events).toHaveLength(2);
  });

  it("keeps the events of two tabs that share localStorage, neither writing over the other's", () => {
    const down = { baseDelayMs: 60_000, maxDelayMs: 60_000 };
    const first = queueTo("http://127.0.0.1:9", down);
    const second = queueTo("http://127.0.0.1:9", down);
    const events = [failedCall(), failedCall(), failedCall()];

    first.add(events[0]!);
    second.add(events[1]!);
    first.add(events[2]!);

    const stored = JSON.parse(localStorage.getItem("calltracker.test")!) as FailedCallEvent[];
    expect(stored.map((event) => event.eventId)).toEqual(events.map((event) => event.eventId));
  });
});
