using CallTracker.Api.Hosting;
using Microsoft.Extensions.Options;

namespace CallTracker.Api.Security;

/// <summary>
/// Whether a request may see customers' phone numbers in full: with a token of the read:phone scope, or on
/// an installation that shows them to every token (CallTracker:Phone:ShowInFull). One question in one place,
/// asked by every endpoint that shows a number.
/// </summary>
public static class PhoneAccess
{
    public static bool SeesFullNumbers(HttpContext http) =>
        http.User.Has(Scopes.ReadPhone)
        || http.RequestServices.GetRequiredService<IOptions<CallTrackerOptions>>().Value.Phone.ShowInFull;
}
