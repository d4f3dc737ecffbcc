using System.Text.Json;

namespace CallTracker.Api.Events;

/// <summary>
/// A failed (or answered) call as the CRM front end reports it. Post one object, or an array of up to
/// 1,000. Send either <c>sipCode</c> with <c>reasonPhrase</c> and <c>headers</c>, or the whole
/// response as <c>sipMessage</c>; fields not listed here are ignored and named in the response.
/// </summary>
public sealed record EventInput
{
    /// <summary>
    /// The client's id for this event (a UUID); generated when absent. Posting it again stores nothing new.
    /// </summary>
    /// <example>3f2b8c1e-0d4a-4e7b-9c61-5a2f0e9d7b10</example>
    public Guid? EventId { get; init; }

    /// <summary>
    /// When the call ended: ISO 8601 with an offset or Z (a time without one is a 400), or Unix epoch
    /// milliseconds. More than 5 minutes ahead of the server or older than 30 days, it is replaced by
    /// the time received and the original kept as <c>reportedOccurredAt</c>.
    /// </summary>
    /// <example>2026-12-04T09:15:00+07:00</example>
    public required string OccurredAt { get; init; }

    /// <summary>
    /// The final SIP response code, 200-699 (2xx: answered). <c>null</c> or <c>0</c>: no final response.
    /// </summary>
    /// <example>486</example>
    public int? SipCode { get; init; }

    /// <summary>The reason phrase as received, verbatim; it may be empty or non-standard.</summary>
    /// <example>Busy Here</example>
    public string? ReasonPhrase { get; init; }

    /// <summary>
    /// What the client itself saw: <c>transport_error</c>, <c>request_timeout</c>, <c>media_error</c>,
    /// <c>cancelled_before_response</c>, <c>ring_timeout</c> or <c>unknown</c>. Needed when there is no
    /// <c>sipCode</c>; an unknown value is stored as <c>unknown</c> with a warning.
    /// </summary>
    /// <example>transport_error</example>
    public string? LocalCause { get; init; }

    /// <summary>The response's headers: name to a value or an array of values, in the order received.</summary>
    /// <example>{"Reason": "Q.850;cause=17;text=\"User busy\"", "Server": "CarrierGW/4.2"}</example>
    public Dictionary<string, JsonElement>? Headers { get; init; }

    /// <summary>
    /// The whole response text as the SIP stack received it. Code, phrase and headers are taken from it
    /// (<c>reasonPhrase</c> and <c>headers</c> sent beside it are ignored; a <c>sipCode</c> that disagrees is
    /// a 400). Only the status line and headers are kept: the body (SDP) is never stored.
    /// </summary>
    /// <example>SIP/2.0 486 Busy Here&#13;&#10;Call-ID: 1-22106@127.0.0.1&#13;&#10;&#13;&#10;</example>
    public string? SipMessage { get; init; }

    /// <summary>The number as dialled.</summary>
    /// <example>0900000001</example>
    public string? PhoneNumber { get; init; }

    /// <summary>The agent's id in the CRM.</summary>
    /// <example>agent-007</example>
    public string? Agent { get; init; }

    /// <summary>The SIP Call-ID; taken from <c>sipMessage</c> when absent.</summary>
    /// <example>c-0001@crm.example.test</example>
    public string? CallId { get; init; }

    /// <summary><c>outbound</c> (default) or <c>inbound</c>.</summary>
    /// <example>outbound</example>
    public string? Direction { get; init; }

    /// <summary>The outgoing trunk or carrier route, when the CRM knows it.</summary>
    /// <example>viettel-1</example>
    public string? Trunk { get; init; }

    /// <summary>Whether a 180 or 183 was seen before the call ended.</summary>
    /// <example>true</example>
    public bool? Ringing { get; init; }

    /// <summary>Milliseconds from INVITE to the first 18x, or to the final response without one.</summary>
    /// <example>2300</example>
    public int? PostDialDelayMs { get; init; }

    /// <summary>Milliseconds of ringing before the call ended.</summary>
    /// <example>18000</example>
    public int? RingDurationMs { get; init; }

    /// <summary>Short string labels (at most 50): campaign, queue, ...</summary>
    /// <example>{"campaign": "winter-sale"}</example>
    public Dictionary<string, string>? Tags { get; init; }

    /// <summary>
    /// How to group this failure into an issue, replacing the default (code or local cause, first Q.850
    /// cause, outcome, trunk); <c>{{ default }}</c> among the parts stands for the default ones.
    /// </summary>
    /// <example>["{{ default }}", "campaign-7"]</example>
    public IReadOnlyList<string>? Fingerprint { get; init; }

    /// <summary>Any small JSON object (at most 16 KiB), kept as it is.</summary>
    /// <example>{"crmLeadId": 1234}</example>
    public JsonElement? Extra { get; init; }
}

/// <summary>What happened to each posted event, in the order posted.</summary>
public sealed record IngestResult
{
    /// <summary>Events stored by this request.</summary>
    /// <example>15</example>
    public required int Stored { get; init; }

    /// <summary>Events whose id was already stored (or repeated in this request): not stored again.</summary>
    /// <example>1</example>
    public required int Duplicates { get; init; }

    /// <summary>One entry per posted event, in the order posted.</summary>
    public required IReadOnlyList<IngestedEvent> Events { get; init; }
}

/// <summary>The fate of one posted event.</summary>
public sealed record IngestedEvent
{
    /// <summary>The event's id, generated when the client sent none.</summary>
    /// <example>3f2b8c1e-0d4a-4e7b-9c61-5a2f0e9d7b10</example>
    public required Guid EventId { get; init; }

    /// <summary><c>stored</c>, or <c>duplicate</c> when the id was already stored.</summary>
    /// <example>stored</example>
    public required string Status { get; init; }

    /// <summary>What was accepted but changed or ignored, for the client developer.</summary>
    /// <example>["Unknown field 'wsCloseCode' was ignored."]</example>
    public required IReadOnlyList<string> Warnings { get; init; }
}

/// <summary>A stored event with every field.</summary>
public sealed record EventDetails
{
    /// <summary>The client's id (or the one generated for it).</summary>
    /// <example>3f2b8c1e-0d4a-4e7b-9c61-5a2f0e9d7b10</example>
    public required Guid EventId { get; init; }

    /// <summary>When the call ended (UTC), after any clock correction.</summary>
    /// <example>2026-12-04T02:15:00Z</example>
    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>The client's time when it was implausible and replaced by <c>receivedAt</c>; else null.</summary>
    /// <example>2031-01-01T00:00:00Z</example>
    public DateTimeOffset? ReportedOccurredAt { get; init; }

    /// <summary>When the server accepted the event (UTC).</summary>
    /// <example>2026-12-04T02:15:01.204Z</example>
    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>The final response code; null when the call ended with none.</summary>
    /// <example>486</example>
    public int? SipCode { get; init; }

    /// <summary><c>2xx</c> (answered), <c>3xx</c>, <c>4xx</c>, <c>5xx</c>, <c>6xx</c> or <c>none</c>.</summary>
    /// <example>4xx</example>
    public required string ResponseClass { get; init; }

    /// <summary>The reason phrase as received.</summary>
    /// <example>Busy Here</example>
    public string? ReasonPhrase { get; init; }

    /// <summary>The code's phrase in IANA's registry, or null for an unregistered code.</summary>
    /// <example>Busy Here</example>
    public string? StandardPhrase { get; init; }

    /// <summary>What the client saw; always set when there is no <c>sipCode</c>.</summary>
    /// <example>transport_error</example>
    public string? LocalCause { get; init; }

    /// <summary>
    /// What happened to the call: answered, busy, no_answer, declined, invalid_number, unreachable,
    /// cancelled, network_error, configuration_error, media_error, blocked, redirected, no_response or unknown.
    /// </summary>
    /// <example>unreachable</example>
    public required string Outcome { get; init; }

    /// <summary>The outcome in words, in the language asked for with Accept-Language (en or vi).</summary>
    /// <example>Unreachable (off, no coverage, not registered)</example>
    public required string OutcomeLabel { get; init; }

    /// <summary>What decided the outcome: code, q850 (the first Q.850 cause), local_cause or class.</summary>
    /// <example>q850</example>
    public required string OutcomeBasis { get; init; }

    /// <summary>What happened, in one sentence, from whatever decided the outcome.</summary>
    /// <example>The phone is switched off or out of coverage.</example>
    public required string Meaning { get; init; }

    /// <summary>What an operator can do about it, in one sentence.</summary>
    /// <example>Try again later or reach the customer by another channel.</example>
    public required string Remedy { get; init; }

    /// <summary>The first Q.850 cause among the Reason values.</summary>
    /// <example>20</example>
    public int? Q850Cause { get; init; }

    /// <summary>Every Reason value, in order; one that does not parse has parsed false and only raw.</summary>
    public required IReadOnlyList<ReasonDetails> Reasons { get; init; }

    /// <summary>Warning header values (code, agent, text).</summary>
    public required IReadOnlyList<WarningDetails> SipWarnings { get; init; }

    /// <summary>Seconds from Retry-After: when the far end says a retry may succeed.</summary>
    /// <example>120</example>
    public int? RetryAfterSeconds { get; init; }

    /// <summary>What the dialled number turned out to be; null when none was sent.</summary>
    public PhoneDetails? Phone { get; init; }

    /// <summary>The first Reason header's protocol.</summary>
    /// <example>Q.850</example>
    public string? ReasonProtocol { get; init; }

    /// <summary>The first Reason header's cause.</summary>
    /// <example>17</example>
    public int? ReasonCause { get; init; }

    /// <summary>The first Reason header's text, unquoted.</summary>
    /// <example>User busy</example>
    public string? ReasonText { get; init; }

    /// <summary>Header name to its values, in the order received.</summary>
    /// <example>{"Reason": ["Q.850;cause=17;text=\"User busy\""], "Server": ["CarrierGW/4.2"]}</example>
    public required IReadOnlyDictionary<string, IReadOnlyList<string>> Headers { get; init; }

    /// <summary>Status line and headers of the raw response, when one was sent; never the body.</summary>
    /// <example>SIP/2.0 486 Busy Here&#13;&#10;Reason: Q.850;cause=17&#13;&#10;&#13;&#10;</example>
    public string? SipMessage { get; init; }

    /// <summary>
    /// The number as dialled, or masked (<c>+84 90 *** **01</c>) unless the caller may see numbers in full;
    /// a masked number is hidden the same way in headers, the raw response, tags and extra data.
    /// </summary>
    /// <example>+84 90 *** **01</example>
    public string? PhoneNumber { get; init; }

    /// <summary>True when the phone number (and its E.164 form) is masked in this output.</summary>
    /// <example>true</example>
    public bool PhoneMasked { get; init; }

    /// <summary>The agent's id in the CRM.</summary>
    /// <example>agent-007</example>
    public string? Agent { get; init; }

    /// <summary>The SIP Call-ID.</summary>
    /// <example>c-0001@crm.example.test</example>
    public string? CallId { get; init; }

    /// <summary><c>outbound</c> or <c>inbound</c>.</summary>
    /// <example>outbound</example>
    public required string Direction { get; init; }

    /// <summary>The outgoing trunk or carrier route.</summary>
    /// <example>viettel-1</example>
    public string? Trunk { get; init; }

    /// <summary>Whether a 180 or 183 was seen.</summary>
    /// <example>true</example>
    public bool? Ringing { get; init; }

    /// <summary>Milliseconds from INVITE to the first 18x.</summary>
    /// <example>2300</example>
    public int? PostDialDelayMs { get; init; }

    /// <summary>Milliseconds of ringing.</summary>
    /// <example>18000</example>
    public int? RingDurationMs { get; init; }

    /// <summary>The labels posted with the event.</summary>
    /// <example>{"campaign": "winter-sale"}</example>
    public required IReadOnlyDictionary<string, string> Tags { get; init; }

    /// <summary>The extra object posted with the event.</summary>
    /// <example>{"crmLeadId": 1234}</example>
    public JsonElement? Extra { get; init; }

    /// <summary>True when NUL characters, which PostgreSQL cannot store, were removed from some field.</summary>
    /// <example>false</example>
    public required bool NulRemoved { get; init; }
}

/// <summary>One Reason header value (RFC 3326).</summary>
public sealed record ReasonDetails
{
    /// <summary>SIP, Q.850 or any other protocol as sent; null when the value does not parse.</summary>
    /// <example>Q.850</example>
    public string? Protocol { get; init; }

    /// <summary>The cause number.</summary>
    /// <example>20</example>
    public int? Cause { get; init; }

    /// <summary>The text parameter, unquoted.</summary>
    /// <example>Subscriber absent</example>
    public string? Text { get; init; }

    /// <summary>RFC 8606's location parameter: where the cause arose (LN, RN, ...).</summary>
    /// <example>LN</example>
    public string? Location { get; init; }

    /// <summary>The value as received.</summary>
    /// <example>Q.850;cause=20;text="Subscriber absent"</example>
    public required string Raw { get; init; }

    /// <summary>False for a value that is not valid Reason syntax, kept verbatim.</summary>
    /// <example>true</example>
    public required bool Parsed { get; init; }
}

/// <summary>One Warning header value (RFC 3261 section 20.43).</summary>
public sealed record WarningDetails
{
    /// <summary>The warn-code, e.g. 305 (incompatible media format); null when the value does not parse.</summary>
    /// <example>305</example>
    public int? Code { get; init; }

    /// <summary>The host that added the warning.</summary>
    /// <example>gw1.carrier.example</example>
    public string? Agent { get; init; }

    /// <summary>The warning text.</summary>
    /// <example>Incompatible media format</example>
    public required string Text { get; init; }
}

/// <summary>The dialled number as libphonenumber reads it, for the configured default region.</summary>
public sealed record PhoneDetails
{
    /// <summary>E.164 form, when the number parses; null when the number is masked.</summary>
    /// <example>+84320000001</example>
    public string? E164 { get; init; }

    /// <summary>ISO 3166 region of the number.</summary>
    /// <example>VN</example>
    public string? Region { get; init; }

    /// <summary>mobile, fixed_line, toll_free, voip, ... or unknown.</summary>
    /// <example>mobile</example>
    public string? Type { get; init; }

    /// <summary>Whether the number exists in its country's numbering plan.</summary>
    /// <example>true</example>
    public required bool Valid { get; init; }

    /// <summary>The operator the number range was originally allocated to (not after porting; not the trunk).</summary>
    /// <example>Viettel</example>
    public string? Carrier { get; init; }

    /// <summary>An extension dialled after the number.</summary>
    /// <example>12</example>
    public string? Extension { get; init; }

    /// <summary>True when an old 11-digit Vietnamese mobile number was mapped to the 10-digit one it became.</summary>
    /// <example>true</example>
    public required bool Converted { get; init; }

    /// <summary>Why the number could not be read, or what is doubtful about it.</summary>
    /// <example>The number is not valid in its country's numbering plan.</example>
    public string? Problem { get; init; }
}

/// <summary>A page of events, newest first.</summary>
public sealed record EventPage
{
    /// <summary>The events of this page, newest first.</summary>
    public required IReadOnlyList<EventDetails> Items { get; init; }

    /// <summary>Pass as <c>cursor</c> for the next page; null on the last page.</summary>
    /// <example>NjM5MDAzNTY4NjQ2MTQ2NDgwOmM2ZTQ3MjBlMWEwOTQzOGY4ZjYzYTE0NmU3OWY4MTUz</example>
    public string? NextCursor { get; init; }
}

/// <summary>Endpoint metadata: the body is one <see cref="EventInput"/> or an array of them.</summary>
public sealed class EventBatchBody;
