// Places the plan's calls from a real page in Chromium (Debian's, driven by playwright-core): the page loads the
// reporter's browser bundle and SIP.js as a CRM would, talks to Kamailio over the browser's own WebSocket and
// posts the events with the browser's fetch to CallTracker, another origin. Prints the same JSON line as
// place-calls.mjs, plus what was left in the page's queue and localStorage:
//   node place-calls-in-chromium.mjs plan.json
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const RunLimitMs = 120_000;
const limit = setTimeout(() => fail(`the page did not finish within ${RunLimitMs / 1000} s`), RunLimitMs);

let browser;
let server;
try {
  const plan = JSON.parse(readFileSync(process.argv[2], "utf8"));
  const page = await build({
    entryPoints: [join(here, "browser", "page-entry.mjs")],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2020",
    write: false,
    logLevel: "error",
  });
  const files = {
    "/": ["text/html", '<!doctype html><title>CRM</title><script src="/reporter.js"></script>'
      + '<script type="module" src="/page.js"></script>'],
    "/reporter.js": ["text/javascript", readFileSync(join(here, "..", "..", "dist", "calltracker-sipjs.min.js"))],
    "/page.js": ["text/javascript", page.outputFiles[0].contents],
  };
  server = createServer((request, response) => {
    const file = files[request.url ?? ""];
    response.writeHead(file ? 200 : 404, { "Content-Type": file?.[0] ?? "text/plain" });
    response.end(file?.[1] ?? "");
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));

  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox"], // as root in CI, Chromium refuses its sandbox
  });
  const tab = await browser.newPage();
  tab.on("console", (message) => console.error(`[page] ${message.text()}`));
  tab.on("pageerror", (error) => console.error(`[page error] ${error.message}`));
  await tab.goto(`http://127.0.0.1:${server.address().port}/`);
  await tab.waitForFunction(() => typeof window.placeCalls === "function");
  const result = await tab.evaluate((given) => window.placeCalls(given), plan);
  for (const line of result.log) {
    console.error(line);
  }

  process.stdout.write(`${JSON.stringify({ calls: result.calls, queued: result.queued, stored: result.stored })}\n`);
  await browser.close();
  server.close();
  clearTimeout(limit);
  process.exit(0);
} catch (error) {
  fail(error?.stack ?? String(error));
}

function fail(message) {
  console.error(message);
  browser?.close().catch(() => undefined);
  server?.close();
  process.exit(1);
}
