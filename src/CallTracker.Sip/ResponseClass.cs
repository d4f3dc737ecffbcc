namespace CallTracker.Sip;

/// <summary>
/// The class of a final SIP response, named as ops say it: <c>4xx</c>, not "client error".
/// </summary>
/// <remarks>
/// RFC 3261 section 8.1.3.2 asks a user agent to treat an unknown code as the x00 code of its class,
/// so the class comes from the first digit alone and never from a lookup table.
/// </remarks>
public static class ResponseClass
{
    public const string Answered = "2xx";
    public const string Redirection = "3xx";
    public const string ClientFailure = "4xx";
    public const string ServerFailure = "5xx";
    public const string GlobalFailure = "6xx";

    /// <summary>The call ended with no final response at all (transport error, timeout, hang-up).</summary>
    public const string None = "none";

    /// <summary>The classes a failure report shows, in the order it shows them.</summary>
    public static IReadOnlyList<string> Failures { get; } =
        [Redirection, ClientFailure, ServerFailure, GlobalFailure, None];

    /// <summary>Every class an event can have.</summary>
    public static IReadOnlyList<string> All { get; } =
        [Answered, Redirection, ClientFailure, ServerFailure, GlobalFailure, None];

    public const int MinFinalCode = 200;
    public const int MaxFinalCode = 699;

    public static bool IsFinalCode(int code) => code is >= MinFinalCode and <= MaxFinalCode;

    /// <summary>The class of a final response code; <c>null</c> (no response) gives <see cref="None"/>.</summary>
    public static string Of(int? code)
    {
        if (code is null)
        {
            return None;
        }

        if (!IsFinalCode(code.Value))
        {
            throw new ArgumentOutOfRangeException(nameof(code), code, "A final SIP response code is 200-699.");
        }

        return $"{code.Value / 100}xx";
    }

    /// <summary>The range of codes in a class, for queries: <c>4xx</c> gives 400-499.</summary>
    public static (int From, int To)? CodeRange(string responseClass) => responseClass switch
    {
        Answered => (200, 299),
        Redirection => (300, 399),
        ClientFailure => (400, 499),
        ServerFailure => (500, 599),
        GlobalFailure => (600, 699),
        _ => null,
    };
}
