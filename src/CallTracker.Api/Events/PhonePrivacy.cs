using CallTracker.Api.Http;
using CallTracker.Sip.Phones;
using CallTracker.Storage.Entities;

namespace CallTracker.Api.Events;

/// <summary>
/// The installation's choice of how phone numbers are stored (CallTracker:Phone:Storage), applied to every
/// failed call before it is queued, native and Sentry alike: in clear, or as HMAC tokens. One place, so that
/// ingestion and the erasure of a number agree on what a stored number looks like.
/// </summary>
public sealed class PhonePrivacy(PhonePseudonyms? pseudonyms)
{
    public bool StoresTokens => pseudonyms is not null;

    /// <summary>
    /// Replaces the number by its token in its own columns and wherever else it appears; numbers in the
    /// party headers (To, From, Contact, P-Asserted-Identity, Remote-Party-ID, ...) go too, whoever's they
    /// are. Country, type and carrier, read from the number before, stay: reports by carrier keep working.
    /// </summary>
    public void Apply(CallEvent call)
    {
        if (pseudonyms is null)
        {
            return;
        }

        var (e164, dialled) = (call.PhoneE164, call.PhoneNumber);
        string Hide(string text) => pseudonyms.Hide(text, e164, dialled);

        // Free text a CRM wrote (tags, extra data, a Call-ID made from the number) may hold any number in any
        // spelling ("customer 0912 345 678"): every run of six or more digits goes. In JSON, strings only, and
        // numbers only when they are the dialled number: an epoch time must stay a number.
        string HideAll(string text) => pseudonyms.HideDigitRuns(Hide(text));
        string? Json(string? json) => json is null ? null : JsonStrings.Map(json, HideAll, Hide);

        var headers = CallEventEnricher.ReadHeaders(call.Headers)
            .Select(header => header with { Value = pseudonyms.HideInHeader(header.Name, header.Value, e164, dialled) });
        call.Headers = CallEventEnricher.WriteHeaders(headers);
        call.SipMessage = call.SipMessage is null ? null : pseudonyms.HideInMessage(call.SipMessage, e164, dialled);
        call.Tags = Json(call.Tags)!;
        call.Extra = Json(call.Extra);
        call.CallId = call.CallId is null ? null : HideAll(call.CallId);
        call.Reasons = Json(call.Reasons)!;
        call.ReasonText = call.ReasonText is null ? null : Hide(call.ReasonText);

        if (dialled is { Length: > 0 })
        {
            var token = pseudonyms.TokenOf(e164, dialled);
            call.PhoneNumber = token;
            call.PhoneE164 = e164 is null ? null : token;

            // An extension is part of the number dialled; it is not needed for any report.
            call.PhoneExtension = null;
        }
    }

    /// <summary>
    /// A client's fingerprint parts as they may be hashed: with numbers as tokens, since the issue's
    /// fingerprint is an unkeyed SHA-256 that anyone could recompute for every number.
    /// </summary>
    public IReadOnlyList<string>? Fingerprint(IReadOnlyList<string>? parts) =>
        pseudonyms is null || parts is null ? parts : parts.Select(pseudonyms.HideDigitRuns).ToList();

    /// <summary>
    /// The stored forms of a number, for erasing it: in clear, its E.164 forms and digits as dialled; as
    /// tokens, the tokens it may have been stored under (error events, whose payloads keep what the SDK sent,
    /// are still searched for its clear spellings).
    /// </summary>
    public (string[] E164, string[] Digits, string[] Tokens) StoredForms(PhoneNumberAnalyzer phones, string number)
    {
        var (e164, digits) = phones.Spellings(number);
        return pseudonyms is null ? (e164, digits, []) : (e164, digits, pseudonyms.TokensOf(number));
    }
}
