// A far end for SIP.js in a unit test: a SIP.js Transport (the interface SIP.js lets an application supply)
// that hands each request SIP.js sends to a script, and feeds the script's responses back as raw SIP text,
// which SIP.js parses as it would off a WebSocket. Everything above the wire is the real SIP.js: its parser,
// transactions, timers, Inviter and the order in which it calls state listeners and delegates.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  EmitterImpl,
  Inviter,
  TransportState,
  UserAgent,
  type BodyAndContentType,
  type SessionDescriptionHandler,
  type Transport,
} from "sip.js";

/** A request SIP.js sent, with the headers a response must echo. */
export interface SentRequest {
  method: string;
  text: string;
  via: string[];
  from: string;
  to: string;
  callId: string;
  cseq: string;
}

/** What the far end does with each request: the responses to send back, in order, each after its delay. */
export type PeerScript = (request: SentRequest, peer: ScriptedPeer) => void;

export class ScriptedPeer {
  readonly requests: SentRequest[] = [];
  transport?: PeerTransport;

  constructor(public script: PeerScript) {}

  /** Sends a response to the request: a status line and the request's Via, From, To (tagged), Call-ID, CSeq. */
  respond(request: SentRequest, status: string, extraHeaders: string[] = [], body = "", afterMs = 0): void {
    const to = request.method === "INVITE" || request.method === "CANCEL"
      ? (request.to.includes(";tag=") ? request.to : `${request.to};tag=peer-${request.callId.slice(0, 6)}`)
      : request.to;
    // A provisional or 2xx to an INVITE makes an (early) dialog, which needs the far end's Contact.
    const code = Number(status.slice(0, 3));
    const contact = request.method === "INVITE" && code > 100 && code < 300
      && !extraHeaders.some((line) => /^contact\s*:/i.test(line))
      ? ["Contact: <sip:0900000001@127.0.0.1:5070>"] : [];
    const lines = [
      `SIP/2.0 ${status}`,
      ...request.via.map((via) => `Via: ${via}`),
      `From: ${request.from}`,
      `To: ${to}`,
      `Call-ID: ${request.callId}`,
      `CSeq: ${request.cseq}`,
      ...contact,
      ...extraHeaders,
      ...(body ? ["Content-Type: application/sdp"] : []),
      `Content-Length: ${Buffer.byteLength(body)}`,
      "",
      body,
    ];
    this.deliver(lines.join("\r\n"), afterMs);
  }

  /**
   * Sends one of the shared captured responses (../shared/data/sip-responses) as the answer to the request:
   * its status line and every header of its own, with the request's Via, From, To, Call-ID and CSeq.
   */
  respondWithCapture(request: SentRequest, file: string, afterMs = 0): void {
    const captured = readFileSync(join(sharedResponses, file), "latin1").split(/\r?\n/);
    const status = captured[0]!.replace(/^SIP\/2\.0 /, "");
    const own = captured.slice(1).filter((line) => line.trim() !== ""
      && !/^(via|from|to|call-id|cseq|content-length)\s*:/i.test(line));
    this.respond(request, status, own, "", afterMs);
  }

  deliver(text: string, afterMs = 0): void {
    setTimeout(() => this.transport?.receive(text), afterMs);
  }

  onRequest(text: string): void {
    const request = parseRequest(text);
    this.requests.push(request);
    this.script(request, this);
  }
}

export const sharedResponses = join(
  dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..", "..", "shared", "data", "sip-responses");

/** The INDEX.tsv of the shared responses: file, code, class, Reason protocol and cause. */
export function sharedIndex(): Array<{ file: string; code: number; responseClass: string }> {
  return readFileSync(join(sharedResponses, "INDEX.tsv"), "utf8").trim().split("\n").slice(1).map((line) => {
    const [file, code, responseClass] = line.split("\t");
    return { file: file!, code: Number(code), responseClass: responseClass! };
  });
}

function parseRequest(text: string): SentRequest {
  const lines = text.split("\r\n");
  const header = (name: string) => lines.filter((line) => line.toLowerCase().startsWith(`${name.toLowerCase()}:`))
    .map((line) => line.slice(line.indexOf(":") + 1).trim());
  return {
    method: lines[0]!.split(" ")[0]!,
    text,
    via: header("Via"),
    from: header("From")[0] ?? "",
    to: header("To")[0] ?? "",
    callId: header("Call-ID")[0] ?? "",
    cseq: header("CSeq")[0] ?? "",
  };
}

/** The Transport SIP.js is given: connected at once, and what it sends goes to the peer's script. */
export class PeerTransport implements Transport {
  readonly protocol = "WS";
  readonly stateChange = new EmitterImpl<TransportState>();
  state = TransportState.Disconnected;
  onConnect: (() => void) | undefined;
  onDisconnect: ((error?: Error) => void) | undefined;
  onMessage: ((message: string) => void) | undefined;
  private readonly peer: ScriptedPeer;

  constructor(_logger: unknown, options: { peer: ScriptedPeer }) {
    this.peer = options.peer;
    this.peer.transport = this;
  }

  connect(): Promise<void> {
    this.transition(TransportState.Connected);
    this.onConnect?.();
    return Promise.resolve();
  }

  disconnect(): Promise<void> {
    this.drop();
    return Promise.resolve();
  }

  dispose(): Promise<void> {
    return this.disconnect();
  }

  isConnected(): boolean {
    return this.state === TransportState.Connected;
  }

  send(message: string): Promise<void> {
    if (!this.isConnected()) {
      return Promise.reject(new Error("Not connected."));
    }

    // As a WebSocket would: the message leaves now, the far end sees it a moment later.
    setTimeout(() => this.peer.onRequest(message), 0);
    return Promise.resolve();
  }

  /** The connection breaks (a WebSocket closed with 1006, say). */
  drop(): void {
    if (this.state === TransportState.Connected) {
      this.transition(TransportState.Disconnected);
      this.onDisconnect?.(new Error("WebSocket closed"));
    }
  }

  receive(text: string): void {
    if (this.isConnected()) {
      this.onMessage?.(text);
    }
  }

  private transition(state: TransportState): void {
    this.state = state;
    this.stateChange.emit(state);
  }
}

const Offer = [
  "v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "c=IN IP4 127.0.0.1", "t=0 0", "m=audio 9 RTP/AVP 0", "a=sendrecv", "",
].join("\r\n");

export const Answer = Offer.replace("o=- 1 1", "o=- 2 2");

/** No media: an offer of fixed text, any answer taken; told to fail, it fails where a browser's would. */
export class SignallingOnly implements SessionDescriptionHandler {
  constructor(private readonly fail: { offer?: boolean; answer?: boolean } = {}) {}

  close(): void {}

  getDescription(): Promise<BodyAndContentType> {
    return this.fail.offer
      ? Promise.reject(new Error("NotAllowedError: Permission denied (microphone)"))
      : Promise.resolve({ body: Offer, contentType: "application/sdp" });
  }

  hasDescription(contentType: string): boolean {
    return contentType === "application/sdp";
  }

  setDescription(): Promise<void> {
    return this.fail.answer
      ? Promise.reject(new Error("OperationError: Failed to set remote answer sdp"))
      : Promise.resolve();
  }

  sendDtmf(): boolean {
    return false;
  }
}

/** A started UserAgent whose calls go to the peer. */
export async function userAgentFor(
  peer: ScriptedPeer, fail: { offer?: boolean; answer?: boolean } = {}): Promise<UserAgent> {
  const userAgent = new UserAgent({
    uri: UserAgent.makeURI("sip:agent-007@crm.example.test"),
    authorizationUsername: "agent-007",
    authorizationPassword: "sip-password-never-sent",
    transportConstructor: PeerTransport,
    transportOptions: { peer },
    sessionDescriptionHandlerFactory: () => new SignallingOnly(fail),
    logLevel: "error",
  });
  await userAgent.start();
  return userAgent;
}

export function inviterTo(userAgent: UserAgent, number: string, delegate?: object): Inviter {
  return new Inviter(userAgent, UserAgent.makeURI(`sip:${number}@pbx.example.test`)!,
    delegate ? { delegate: delegate as never } : {});
}
