using System.Collections.Frozen;

namespace CallTracker.Sip;

/// <summary>An ISDN cause value (ITU-T Q.850) as carriers put it in a Reason header.</summary>
/// <param name="Cause">The cause value, 1-127.</param>
/// <param name="Name">Q.850's name for it.</param>
/// <param name="Outcome">The outcome it implies, or null for causes that say nothing about why (16, 31, ...).</param>
/// <param name="Meaning">One sentence: what the network says happened.</param>
/// <param name="Remedy">One sentence an operator can act on.</param>
public sealed record Q850Cause(int Cause, string Name, string? Outcome, LocalizedText Meaning, LocalizedText Remedy)
{
    /// <summary>True when the cause says why the call failed and may decide a general code's outcome.</summary>
    public bool IsDecisive => Outcome is not null;
}

/// <summary>The Q.850 cause values CallTracker knows.</summary>
public static partial class Q850Causes
{
    private static readonly FrozenDictionary<int, Q850Cause> Known = Entries().ToFrozenDictionary(cause => cause.Cause);

    public static IEnumerable<Q850Cause> All => Known.Values.OrderBy(cause => cause.Cause);

    public static Q850Cause? Find(int cause) => Known.GetValueOrDefault(cause);
}
