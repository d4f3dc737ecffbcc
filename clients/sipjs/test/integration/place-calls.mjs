// Places every call of a plan through the reporter with the real SIP.js in Node over a WebSocket (the ws
// package), concurrently, and prints one JSON line: each call's name, Call-ID and the event the reporter queued
// for it. Run by the C# integration test (SipJsIntegrationTests), which starts Kamailio, the SIPp peers and
// CallTracker first:
//   node place-calls.mjs plan.json
// The plan: { wsUrl, endpoint, ingestKey, agent, calls: [...] } as calls.mjs describes.
import { readFileSync } from "node:fs";
import { WebSocket } from "ws";
import { placeAll } from "./calls.mjs";

// SIP.js looks for the browser's WebSocket; the ws package is the same API for Node.
globalThis.WebSocket = WebSocket;

const { Inviter, UserAgent } = await import("sip.js");
const { createCallReporter } = await import("../../dist/index.js");

// Every call ends within 35 s (the silent one on SIP.js's Timer B at 32 s); a hung run must not hang the test.
const RunLimitMs = 90_000;
const limit = setTimeout(() => fail(`the calls did not all end within ${RunLimitMs / 1000} s`), RunLimitMs);

try {
  const plan = JSON.parse(readFileSync(process.argv[2], "utf8"));

  // stdout carries only the result line; SIP.js's warnings and the reporter's go to stderr.
  const log = (line) => console.error(line);
  const reporter = createCallReporter({
    endpoint: plan.endpoint,
    ingestKey: plan.ingestKey,
    agent: plan.agent,
    storage: null, // no localStorage in Node; the queue lives in memory for the run
    warn: (message, error) => log(`[reporter] ${message} ${error ?? ""}`),
  });

  const calls = await placeAll(plan, { sip: { Inviter, UserAgent }, reporter, log });
  process.stdout.write(`${JSON.stringify({ calls, queued: reporter.queued })}\n`);
  clearTimeout(limit);
  process.exit(0);
} catch (error) {
  fail(error?.stack ?? String(error));
}

function fail(message) {
  console.error(message);
  process.exit(1);
}
