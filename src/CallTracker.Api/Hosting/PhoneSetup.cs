using CallTracker.Sip.Phones;
using PhoneNumbers;

namespace CallTracker.Api.Hosting;

public static class PhoneSetup
{
    /// <summary>The analyzer for the configured region; an unknown region stops the start, saying why.</summary>
    public static PhoneNumberAnalyzer CreateAnalyzer(PhoneOptions options)
    {
        var region = options.DefaultRegion.ToUpperInvariant();
        if (!PhoneNumberUtil.GetInstance().GetSupportedRegions().Contains(region))
        {
            throw new InvalidOperationException(
                $"CallTracker:Phone:DefaultRegion '{options.DefaultRegion}' is not an ISO 3166 region that " +
                "libphonenumber knows, such as VN, US or GB.");
        }

        return new PhoneNumberAnalyzer(region);
    }

    /// <summary>
    /// The pseudonyms for numbers when they are stored as HMAC tokens, else null. A missing or short key stops
    /// the start: storing numbers in clear when the operator asked not to would be the worse failure.
    /// </summary>
    public static PhonePseudonyms? CreatePseudonyms(PhoneOptions options, PhoneNumberAnalyzer phones)
    {
        if (options.Storage != PhoneStorage.Hmac)
        {
            return null;
        }

        if (options.HmacKey is not { Length: >= PhonePseudonyms.MinimumKeyLength } key)
        {
            throw new InvalidOperationException(
                "CallTracker:Phone:Storage is Hmac, so CallTracker:Phone:HmacKey must be set to a secret of at " +
                $"least {PhonePseudonyms.MinimumKeyLength} characters (openssl rand -hex 32), the same on every " +
                "instance and kept for as long as the data: a new key cuts the link to the tokens stored before.");
        }

        return new PhonePseudonyms(key, phones);
    }
}
