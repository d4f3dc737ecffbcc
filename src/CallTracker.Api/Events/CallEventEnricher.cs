using System.Text.Json;
using CallTracker.Sip;
using CallTracker.Sip.Phones;
using CallTracker.Storage.Entities;

namespace CallTracker.Api.Events;

/// <summary>
/// Derives everything CallTracker knows about a call from what the client sent: outcome, Reason values,
/// Warning and Retry-After, and the phone number's E.164 form. One place for ingestion and for the
/// backfill of events stored before a derivation existed, so that both always agree.
/// </summary>
public sealed class CallEventEnricher(PhoneNumberAnalyzer phones)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public void Enrich(CallEvent call, SipHeaders headers, IReadOnlyList<string>? clientFingerprint = null)
    {
        var reasons = ReasonHeader.ParseAll(headers.GetAll("Reason"));
        var decision = OutcomeRules.Decide(call.SipCode, reasons, call.LocalCause);

        call.Outcome = decision.Outcome;
        call.OutcomeBasis = decision.Basis;
        call.Q850Cause = ReasonHeader.FirstQ850(reasons)?.Cause;

        // Answered calls belong to no issue.
        if (call.Outcome != Outcome.Answered)
        {
            var defaults = IssueFingerprint.DefaultParts(
                call.SipCode, call.LocalCause, call.Q850Cause, call.Outcome, call.Trunk);
            call.Fingerprint = IssueFingerprint.Hash(IssueFingerprint.Resolve(clientFingerprint, defaults));
            call.IssueTitle = IssueFingerprint.Title(call.SipCode, call.Q850Cause, call.LocalCause);
        }
        call.Reasons = JsonSerializer.Serialize(reasons.Select(reason => new StoredReason(
            reason.Parsed ? reason.Protocol : null, reason.Cause, reason.Text, reason.Location, reason.Raw,
            reason.Parsed)), Json);
        call.SipWarnings = JsonSerializer.Serialize(InformativeHeaders.Warnings(headers), Json);
        call.RetryAfterSeconds = InformativeHeaders.RetryAfterSeconds(headers);

        // The first Reason is kept in its own columns too (the foundation's contract), Q.850 or not.
        if (reasons is [var first, ..])
        {
            call.ReasonProtocol = first.Parsed ? Truncate(first.Protocol, 64) : null;
            call.ReasonCause = first.Cause;
            call.ReasonText = first.Text;
        }

        // A token (numbers stored as HMAC) says nothing more; what was read from the number is kept.
        if (call.PhoneNumber is { Length: > 0 } number && !PhonePseudonyms.IsToken(number))
        {
            var phone = phones.Analyze(number);
            call.PhoneE164 = phone.E164;
            call.PhoneRegion = phone.Region;
            call.PhoneType = phone.Type;
            call.PhoneValid = phone.Valid;
            call.PhoneCarrier = phone.Carrier;
            call.PhoneExtension = phone.Extension;
            call.PhoneConverted = phone.Converted;
            call.PhoneProblem = phone.Problem;
        }
    }

    /// <summary>The stored headers (jsonb array of name and value) read back as <see cref="SipHeaders"/>.</summary>
    public static SipHeaders ReadHeaders(string json) =>
        new((JsonSerializer.Deserialize<List<StoredHeader>>(json, Json) ?? [])
            .Select(header => new SipHeader(header.Name, header.Value)));

    public static string WriteHeaders(IEnumerable<SipHeader> headers) =>
        JsonSerializer.Serialize(headers.Select(header => new StoredHeader(header.Name, header.Value)), Json);

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];

    public sealed record StoredHeader(string Name, string Value);

    public sealed record StoredReason(
        string? Protocol, int? Cause, string? Text, string? Location, string Raw, bool Parsed);
}
