namespace CallTracker.Sip;

/// <summary>A sentence in the languages CallTracker speaks: English, and Vietnamese for its first users.</summary>
public sealed record LocalizedText(string En, string Vi)
{
    public static IReadOnlyList<string> Languages { get; } = ["en", "vi"];

    /// <summary>The text in <paramref name="language"/> (<c>en</c> or <c>vi</c>); English for any other.</summary>
    public string In(string language) => language == "vi" ? Vi : En;
}
