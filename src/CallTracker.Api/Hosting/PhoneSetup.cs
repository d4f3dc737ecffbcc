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
}
