export { createCallReporter } from "./reporter.js";
export type { CallReporter, CallReporterOptions } from "./reporter.js";
export { TrackedCall } from "./tracked-call.js";
export { describeCall, isMadeUp } from "./event.js";
export type { CallContext, CancelCause, FailedCallEvent, LocalCause } from "./event.js";
export type { QueueStorage } from "./queue.js";
export type { SentryLike } from "./transports.js";
