// The script of the page the Chromium driver opens: SIP.js (bundled with this file) and the reporter as a CRM
// page loads it, from the browser bundle's global (dist/calltracker-sipjs.min.js, a <script> before this one),
// with its defaults: localStorage, fetch, keepalive at unload. The driver calls window.placeCalls(plan).
import { Inviter, UserAgent } from "sip.js";
import { placeAll } from "../calls.mjs";

window.placeCalls = async (plan) => {
  const lines = [];
  const log = (line) => lines.push(line);
  const reporter = window.CallTrackerSipJs.createCallReporter({
    endpoint: plan.endpoint,
    ingestKey: plan.ingestKey,
    agent: plan.agent,
    warn: (message, error) => log(`[reporter] ${message} ${error ?? ""}`),
  });
  const calls = await placeAll(plan, { sip: { Inviter, UserAgent }, reporter, log });
  const key = Object.keys(localStorage).find((name) => name.startsWith("calltracker."));
  const stored = key ? JSON.parse(localStorage.getItem(key) ?? "[]").length : 0;
  return { calls, queued: reporter.queued, stored, log: lines };
};
