// The browser bundle (dist/calltracker-sipjs.min.js): the same library as a global, for a CRM page that loads
// scripts with a <script> tag rather than a bundler. SIP.js is not in it: the page's own copy is tracked.
import { createCallReporter } from "./reporter.js";

(globalThis as unknown as { CallTrackerSipJs: unknown }).CallTrackerSipJs = { createCallReporter };
