import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Calls through real SIP.js objects take a few timers each; a stuck one must fail, not hang the suite.
    testTimeout: 20_000,
  },
});
