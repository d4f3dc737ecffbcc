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
        string? Hide(string? text) => text is null ? null : pseudonyms.Hide(text, e164, dialled);

        var headers = CallEventEnricher.ReadHeaders(call.Headers)
            .Select(header => header with { Value = pseudonyms.HideInHeader(header.Name, header.Value, e164, dialled) });
        call.Headers = CallEventEnricher.WriteHeaders(headers);
        call.SipMessage = call.SipMessage is null ? null : pseudonyms.HideInMessage(call.SipMessage, e164, dialled);
        call.Tags = Hide(call.Tags)!;
        call.Extra = Hide(call.Extra);
        call.CallId = Hide(call.CallId);
        call.Reasons = Hide(call.Reasons)!;
        call.ReasonText = Hide(call.ReasonText);

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
