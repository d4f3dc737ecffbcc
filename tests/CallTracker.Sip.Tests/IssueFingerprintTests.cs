namespace CallTracker.Sip.Tests;

public sealed class IssueFingerprintTests
{
    [Theory]
    [InlineData("Call 1234 failed after 2.5 s", "Call <n> failed after <n> s")]
    [InlineData("session 5f0c2a9e-77aa-4b8e-9c1d-0123456789ab lost", "session <uuid> lost")]
    [InlineData("session 5f0c2a9e77aa4b8e9c1d0123456789ab lost", "session <uuid> lost")]
    [InlineData("pointer 0xdeadbeef, commit 9fceb02d0ae598e95dc970b74767f19372d61af8", "pointer <hex>, commit <hex>")]
    [InlineData("Cannot read properties of undefined", "Cannot read properties of undefined")]
    [InlineData("deadbeef and facade stay words", "deadbeef and facade stay words")]
    public void Normalise_ReplacesIdsAndNumbers_AndLeavesWordsAlone(string text, string normalised) =>
        Assert.Equal(normalised, IssueFingerprint.Normalise(text));

    [Fact]
    public void ErrorsDifferingOnlyByAnId_HaveOneFingerprint_AndTypesKeepThemApart()
    {
        string Key(string? type, string? value, string? message) =>
            IssueFingerprint.Hash(IssueFingerprint.ErrorDefaultParts(type, value, message));

        Assert.Equal(Key("TypeError", "call 12 failed", null), Key("TypeError", "call 3456 failed", "other"));
        Assert.NotEqual(Key("TypeError", "call 12 failed", null), Key("RangeError", "call 12 failed", null));
        Assert.NotEqual(Key(null, null, "call 12 failed"), Key("Error", "call 12 failed", null));
    }

    [Theory]
    [InlineData("TypeError", "x is undefined", null, "TypeError: x is undefined")]
    [InlineData(null, null, "Line one\nline two", "Line one line two")]
    [InlineData(null, null, null, "(no message)")]
    public void ErrorTitle_IsOneLine(string? type, string? value, string? message, string title) =>
        Assert.Equal(title, IssueFingerprint.ErrorTitle(type, value, message));

    [Theory]
    [InlineData("{{ default }}")]
    [InlineData("{{default}}")]
    [InlineData(" {{  default }} ")]
    public void TheDefaultMarker_IsReadWithOrWithoutSpaces(string marker) =>
        Assert.Equal(["486", "crm-7"], IssueFingerprint.Resolve([marker, "crm-7"], ["486"]));

    [Fact]
    public void AnErrorAndACallWithTheSameParts_HaveDifferentKeys() =>
        Assert.NotEqual(IssueFingerprint.Hash(["my-group"]), IssueFingerprint.HashError(["my-group"]));
}
