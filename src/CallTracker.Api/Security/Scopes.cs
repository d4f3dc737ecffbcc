using System.Security.Claims;

namespace CallTracker.Api.Security;

/// <summary>
/// What an API token may do. Each scope includes the ones it names: admin includes write, write includes
/// read, read:phone includes read. Phone numbers in full come only with read:phone, never with admin alone:
/// whoever manages a project does not need to see its customers' numbers. A token grants only scopes it has
/// (so an admin alone cannot mint read:phone); the bootstrap token has admin and read:phone.
/// </summary>
public static class Scopes
{
    /// <summary>Reports, issues and events, with phone numbers masked.</summary>
    public const string Read = "read";

    /// <summary>Everything read gives, with phone numbers in full.</summary>
    public const string ReadPhone = "read:phone";

    /// <summary>Everything read gives, and changing an issue's status.</summary>
    public const string Write = "write";

    /// <summary>Everything write gives, and the project's settings, ingest keys and API tokens.</summary>
    public const string Admin = "admin";

    public const string Claim = "calltracker:scope";

    public static IReadOnlyList<string> All { get; } = [Read, ReadPhone, Write, Admin];

    /// <summary>The scopes a token with these scopes has, its own and those they include.</summary>
    public static IEnumerable<string> Expand(IEnumerable<string> scopes) => scopes
        .SelectMany(scope => scope switch
        {
            Admin => [Admin, Write, Read],
            Write => [Write, Read],
            ReadPhone => [ReadPhone, Read],
            _ => new[] { scope },
        })
        .Distinct();

    public static bool Has(this ClaimsPrincipal user, string scope) => user.HasClaim(Claim, scope);
}
