import type { Core, Inviter, InviterCancelOptions, InviterInviteOptions } from "sip.js";
import { describeCall, type CallContext, type CallObservation, type CancelCause, type FailedCallEvent } from "./event.js";

// SIP.js's SessionState and TransportState are string enums; their values are compared here so that the
// library imports nothing of SIP.js at run time (the CRM's copy is the one that runs).
const Establishing = "Establishing";
const Established = "Established";
const Terminated = "Terminated";
const Disconnected = "Disconnected";

/** What a tracked call needs from its reporter. */
export interface CallReporterLink {
  now(): number;
  newEventId(): string;
  agent?: string;
  reportAnswered: boolean;
  report(event: FailedCallEvent): void;
  warn(message: string, error?: unknown): void;
}

/**
 * One outgoing call, watched from before its INVITE until SIP.js is done with it, and reported once.
 *
 * It listens where SIP.js tells the truth, and waits for all of it: the final response through the INVITE's
 * request delegate (onReject for 4xx-6xx, onRedirect for 3xx), the state through stateChange, the session
 * description handler through the session's delegate, the transport through its own stateChange. SIP.js moves
 * the session to Terminated before it calls onReject (SIP.js #850), so the event is written one macrotask after
 * Terminated, when the delegate has run. Nothing the reporter does may break the call: every handler is guarded
 * and the CRM's own delegates are always called, after the reporter's bookkeeping.
 */
export class TrackedCall {
  /** The event this call produced once it ended, or undefined for an answered call not reported. */
  readonly done: Promise<FailedCallEvent | undefined>;

  private readonly seen: CallObservation;
  private finished = false;
  /** invite() was called: a call was placed, so an end without one is a failed call, not a draft thrown away. */
  private invited = false;
  private resolveDone!: (event: FailedCallEvent | undefined) => void;
  private ringTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly detach: Array<() => void> = [];

  constructor(
    private readonly inviter: Inviter,
    private readonly context: CallContext,
    private readonly link: CallReporterLink,
  ) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    this.seen = {
      endedAt: link.now(),
      answered: false,
      mediaFailed: false,
      transportLost: false,
    };
    this.guard("track the call", () => this.attach());
  }

  /**
   * Cancels the call (a CANCEL, or nothing to send if the INVITE has not gone out) and records why: the agent
   * hung up (the default) or the CRM's ring timeout ran out. The 487 the far end answers is reported as the 487
   * with this cause.
   */
  cancel(cause: CancelCause = "cancelled_before_response", options?: InviterCancelOptions): Promise<void> {
    this.seen.cancelCause = cause;
    return this.inviter.cancel(options);
  }

  private attach(): void {
    const inviter = this.inviter;
    this.seen.callId = inviter.request.callId;
    if (inviter.state !== "Initial") {
      // Its request delegate was fixed when invite() ran: the final response could not be seen, and an event
      // without it would say "unknown" where the network said why.
      this.link.warn(`track() came after invite() (the call is ${inviter.state}): this call is not reported`);
      this.finished = true;
      this.resolveDone(undefined);
      return;
    }

    const onState = (state: string) => this.guard("follow the call's state", () => this.onState(state));
    inviter.stateChange.addListener(onState);
    this.detach.push(() => inviter.stateChange.removeListener(onState));

    this.wrapInvite();
    this.wrapCancel();
    this.watchTransport();
  }

  private onState(state: string): void {
    if (state === Establishing) {
      this.seen.startedAt ??= this.link.now();
      this.startRingTimer();
    } else if (state === Established) {
      // Answered: whatever ends the call later is not a failed call, so it is settled now.
      this.seen.answered = true;
      this.finish();
    } else if (state === Terminated) {
      // One macrotask later: SIP.js calls onReject/onRedirect right after this transition, not before.
      setTimeout(() => this.finish(), 0);
    }
  }

  /** The INVITE's request delegate, wrapped around the CRM's own on every invite() of this call. */
  private wrapInvite(): void {
    const inviter = this.inviter;
    const invite = inviter.invite.bind(inviter);
    const call = this;
    inviter.invite = function trackedInvite(options: InviterInviteOptions = {}): Promise<Core.OutgoingInviteRequest> {
      call.invited = true;
      const own = options.requestDelegate ?? {};
      const requestDelegate = {
        ...own,
        onTrying: (response: Core.IncomingResponse) => {
          own.onTrying?.(response);
        },
        // SIP.js calls these two once it has handled the response's session description, even when that
        // failed and it ended the call: a 2xx that did not establish the session, or a provisional response
        // after which the session is over with no final one, is a media failure.
        onProgress: (response: Core.IncomingResponse) => {
          call.guard("read a provisional response", () => {
            call.onProgress(response);
            if (inviter.state === Terminated && !call.seen.final) {
              call.seen.mediaFailed = true;
            }
          });
          own.onProgress?.(response);
        },
        onAccept: (response: Core.IncomingResponse) => {
          call.guard("read the answer", () => {
            if (inviter.state !== Established) {
              call.seen.mediaFailed = true;
            }
          });
          own.onAccept?.(response);
        },
        onRedirect: (response: Core.IncomingResponse) => {
          call.guard("read a redirect", () => call.onFinal(response));
          own.onRedirect?.(response);
        },
        onReject: (response: Core.IncomingResponse) => {
          call.guard("read a rejection", () => call.onFinal(response));
          own.onReject?.(response);
        },
      };

      try {
        // A rejected invite() is an offer that could not be made (the microphone refused): nothing was sent.
        return invite({ ...options, requestDelegate }).catch((error: unknown) => {
          call.seen.mediaFailed = true;
          throw error;
        });
      } catch (error) {
        // SIP.js's own description handler throws at once where there is no WebRTC (MediaStream is not defined):
        // the call never starts, so no state change will come to report it.
        call.guard("report a call that could not start", () => {
          call.seen.mediaFailed = true;
          call.finish();
        });
        throw error;
      }
    };
    this.detach.push(() => {
      inviter.invite = invite;
    });
  }

  /** A cancel the CRM makes on the Inviter itself counts as the agent's. */
  private wrapCancel(): void {
    const inviter = this.inviter;
    const cancel = inviter.cancel.bind(inviter);
    inviter.cancel = (options?: InviterCancelOptions) => {
      this.seen.cancelCause ??= "cancelled_before_response";
      this.stopRingTimer();
      return cancel(options);
    };
    this.detach.push(() => {
      inviter.cancel = cancel;
    });
  }

  /**
   * A WebSocket that closes while the INVITE waits for its final response ends the call for the agent at once,
   * but SIP.js keeps the session: once a provisional response has come, no timer of its own ends it (Timer B
   * stops at the first 1xx), so it would wait for ever. It is reported then and there.
   */
  private watchTransport(): void {
    const transport = this.inviter.userAgent.transport;
    const onTransport = (state: string) =>
      this.guard("follow the transport", () => {
        if (state === Disconnected && this.seen.startedAt !== undefined && !this.seen.final && !this.seen.answered) {
          this.seen.transportLost = true;
          this.finish();
        }
      });
    transport.stateChange.addListener(onTransport);
    this.detach.push(() => transport.stateChange.removeListener(onTransport));
  }

  private onProgress(response: Core.IncomingResponse): void {
    const code = response.message.statusCode ?? 0;
    if ((code === 180 || code === 183) && this.seen.ringingAt === undefined) {
      this.seen.ringingAt = this.link.now();
    }
  }

  private onFinal(response: Core.IncomingResponse): void {
    if (this.seen.answered || this.seen.final) {
      return; // a re-INVITE's answer, or a second final response: the call's end is already known
    }

    const message = response.message;
    this.seen.final = {
      statusCode: message.statusCode ?? 0,
      reasonPhrase: message.reasonPhrase ?? "",
      raw: typeof message.data === "string" ? message.data : undefined,
    };
    this.stopRingTimer();
  }

  private startRingTimer(): void {
    const limit = this.context.ringTimeoutMs;
    if (limit === undefined || limit <= 0 || this.ringTimer !== undefined) {
      return;
    }

    this.ringTimer = setTimeout(() => {
      this.ringTimer = undefined;
      if (!this.seen.answered && !this.seen.final && !this.finished) {
        this.cancel("ring_timeout").catch((error) => this.link.warn("the ring timeout could not cancel the call", error));
      }
    }, limit);
  }

  private stopRingTimer(): void {
    if (this.ringTimer !== undefined) {
      clearTimeout(this.ringTimer);
      this.ringTimer = undefined;
    }
  }

  private finish(): void {
    if (this.finished) {
      return;
    }

    this.finished = true;
    this.stopRingTimer();
    let event: FailedCallEvent | undefined;
    this.guard("report the call", () => {
      if (!this.invited) {
        // Disposed (or its user agent stopped) before invite(): no call was placed. Or invite() ran before
        // track(), whose request delegate then never saw the final response: not reported rather than "unknown".
        if (this.seen.startedAt !== undefined) {
          this.link.warn("track() came after invite(): this call is not reported; call track() first");
        }

        return;
      }

      this.seen.endedAt = this.link.now();
      event = describeCall(this.seen, this.context, {
        eventId: this.link.newEventId(),
        agent: this.link.agent,
        reportAnswered: this.link.reportAnswered,
      });
      if (event) {
        this.link.report(event);
      }
    });
    for (const undo of this.detach.splice(0)) {
      this.guard("let go of the call", undo);
    }

    this.resolveDone(event);
  }

  private guard(what: string, action: () => void): void {
    try {
      action();
    } catch (error) {
      this.link.warn(`could not ${what}`, error);
    }
  }
}

