using CallTracker.Api.Hosting;
using Microsoft.Extensions.Options;

namespace CallTracker.Api.Security;

/// <summary>
/// Whether a request may see customers' phone numbers in full. One question in one place, so that when
/// tokens get a scope for it (read:phone) only this answer changes, not every endpoint that shows a number.
/// </summary>
public static class PhoneAccess
{
    public static bool SeesFullNumbers(HttpContext http) =>
        http.RequestServices.GetRequiredService<IOptions<CallTrackerOptions>>().Value.Phone.ShowInFull;
}
