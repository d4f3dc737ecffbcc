using System.Text.Json;

namespace CallTracker.Api.Events;

/// <summary>
/// A failed (or answered) call as the CRM front end reports it. Post one object, or an array of up to
/// 1,000. Send either <c>sipCode</c> with <c>reasonPhrase</c> and <c>headers</c>, or the whole
/// response as <c>sipMessage</c>; fields not listed here are ignored and named in the response.
/// </summary>
public sealed record EventInput
{
    /// <summary>The client's id for this event (a UUID); generated when absent. Posting it again stores nothing new.</summary>
    /// <example>3f2b8c1e-0d4a-4e7b-9c61-5a2f0e9d7b10</example>
    public Guid? EventId { get; init; }

    /// <summary>
    /// When the call ended: ISO 8601 with an offset or Z (a time without one is a 400), or Unix epoch
    /// milliseconds. More than 5 minutes ahead of the server or older than 30 days, it is replaced by
    /// the time received and the original kept as <c>reportedOccurredAt</c>.
    /// </summary>
    /// <example>2026-12-04T09:15:00+07:00</example>
    public required string OccurredAt { get; init; }

    /// <summary>The final SIP response code, 200-699 (2xx: answered). <c>null</c> or <c>0</c>: no final response.</summary>
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
    /// <example>SIP/2.0 486 Busy Here&#13;&#10;Call-ID: 1-22106@127.0.0.1&#13;&#10;Reason: Q.850;cause=17&#13;&#10;&#13;&#10;</example>
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

    /// <summary>Any small JSON object (at most 16 KiB), kept as it is.</summary>
    /// <example>{"crmLeadId": 1234}</example>
    public JsonElement? Extra { get; init; }
}

/// <summary>What happened to each posted event, in the order posted.</summary>
/// <param name="Stored">Events stored by this request.</param>
/// <param name="Duplicates">Events whose id was already stored (or repeated in this request): not stored again.</param>
/// <param name="Events">One entry per posted event.</param>
public sealed record IngestResult(int Stored, int Duplicates, IReadOnlyList<IngestedEvent> Events);

/// <param name="EventId">The event's id, generated when the client sent none.</param>
/// <param name="Status"><c>stored</c> or <c>duplicate</c>.</param>
/// <param name="Warnings">What was accepted but changed or ignored, for the client developer.</param>
public sealed record IngestedEvent(Guid EventId, string Status, IReadOnlyList<string> Warnings);

/// <summary>A stored event with every field.</summary>
public sealed record EventDetails
{
    /// <example>3f2b8c1e-0d4a-4e7b-9c61-5a2f0e9d7b10</example>
    public Guid EventId { get; init; }

    /// <summary>When the call ended (UTC), after any clock correction.</summary>
    public DateTimeOffset OccurredAt { get; init; }

    /// <summary>The client's time when it was implausible and replaced by <c>receivedAt</c>.</summary>
    public DateTimeOffset? ReportedOccurredAt { get; init; }

    public DateTimeOffset ReceivedAt { get; init; }

    /// <example>486</example>
    public int? SipCode { get; init; }

    /// <summary><c>2xx</c> (answered), <c>3xx</c>, <c>4xx</c>, <c>5xx</c>, <c>6xx</c> or <c>none</c>.</summary>
    /// <example>4xx</example>
    public required string ResponseClass { get; init; }

    /// <example>Busy Here</example>
    public string? ReasonPhrase { get; init; }

    /// <summary>The code's phrase in IANA's registry, or null for an unregistered code.</summary>
    /// <example>Busy Here</example>
    public string? StandardPhrase { get; init; }

    public string? LocalCause { get; init; }

    /// <summary>The first Reason header's protocol.</summary>
    /// <example>Q.850</example>
    public string? ReasonProtocol { get; init; }

    /// <example>17</example>
    public int? ReasonCause { get; init; }

    /// <example>User busy</example>
    public string? ReasonText { get; init; }

    /// <summary>Header name to its values, in the order received.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<string>> Headers { get; init; }

    /// <summary>Status line and headers of the raw response, when one was sent.</summary>
    public string? SipMessage { get; init; }

    public string? PhoneNumber { get; init; }

    public string? Agent { get; init; }

    public string? CallId { get; init; }

    /// <example>outbound</example>
    public required string Direction { get; init; }

    public string? Trunk { get; init; }

    public bool? Ringing { get; init; }

    public int? PostDialDelayMs { get; init; }

    public int? RingDurationMs { get; init; }

    public required IReadOnlyDictionary<string, string> Tags { get; init; }

    public JsonElement? Extra { get; init; }

    /// <summary>True when NUL characters, which PostgreSQL cannot store, were removed from some field.</summary>
    public bool NulRemoved { get; init; }
}

/// <summary>A page of events, newest first.</summary>
/// <param name="Items">The events of this page.</param>
/// <param name="NextCursor">Pass as <c>cursor</c> for the next page; null on the last page.</param>
public sealed record EventPage(IReadOnlyList<EventDetails> Items, string? NextCursor);

/// <summary>Endpoint metadata: the body is one <see cref="EventInput"/> or an array of them.</summary>
public sealed class EventBatchBody;
