namespace CallTracker.Sip.Tests;

public class SipStatusCodesTests
{
    // The final codes of the IANA SIP Parameters "Response Codes" registry.
    private static readonly int[] IanaFinalCodes =
    [
        200, 202, 204,
        300, 301, 302, 305, 380,
        400, 401, 402, 403, 404, 405, 406, 407, 408, 410, 412, 413, 414, 415, 416, 417, 420, 421, 422, 423,
        424, 425, 428, 429, 430, 433, 436, 437, 438, 439, 440, 469, 470, 480, 481, 482, 483, 484, 485, 486,
        487, 488, 489, 491, 493, 494,
        500, 501, 502, 503, 504, 505, 513, 555, 580,
        600, 603, 604, 606, 607, 608,
    ];

    public static TheoryData<int> RegisteredCodes => new(SipStatusCodes.All.Select(status => status.Code));

    [Theory]
    [InlineData(200, "OK")]
    [InlineData(302, "Moved Temporarily")]
    [InlineData(480, "Temporarily Unavailable")]
    [InlineData(486, "Busy Here")]
    [InlineData(487, "Request Terminated")]
    [InlineData(503, "Service Unavailable")]
    [InlineData(555, "Push Notification Service Not Supported")]
    [InlineData(603, "Decline")]
    [InlineData(607, "Unwanted")]
    [InlineData(608, "Rejected")]
    public void StandardPhrase_RegisteredCode_GivesIanaPhrase(int code, string expected)
    {
        var phrase = SipStatusCodes.StandardPhrase(code);

        Assert.Equal(expected, phrase);
    }

    [Theory]
    [InlineData(477)]
    [InlineData(499)]
    [InlineData(699)]
    [InlineData(183)]
    [InlineData(700)]
    public void StandardPhrase_UnregisteredCode_GivesNull(int code)
    {
        var phrase = SipStatusCodes.StandardPhrase(code);

        Assert.Null(phrase);
    }

    [Fact]
    public void Find_RegisteredCode_GivesEveryColumn()
    {
        var code = 608;

        var status = SipStatusCodes.Find(code);

        Assert.NotNull(status);
        Assert.Equal(608, status.Code);
        Assert.Equal("Rejected", status.Phrase);
        Assert.Equal("RFC 8688", status.Rfc);
        Assert.Equal(Outcome.Blocked, status.Outcome);
        Assert.False(status.CauseDecides);
        Assert.Equal(ResponseClass.GlobalFailure, status.Class);
        Assert.Contains("call-blocking", status.Meaning.En, StringComparison.Ordinal);
        Assert.Contains("chặn", status.Meaning.Vi, StringComparison.Ordinal);
    }

    [Fact]
    public void Find_UnregisteredCode_GivesNull()
    {
        var code = 699;

        var status = SipStatusCodes.Find(code);

        Assert.Null(status);
    }

    [Fact]
    public void All_EveryEntry_IsAFinalCodeWithAPhraseAndAnRfcInAscendingOrder()
    {
        var all = SipStatusCodes.All.ToList();

        var codes = all.Select(status => status.Code).ToList();
        Assert.NotEmpty(all);
        Assert.Equal(codes.Order(), codes);
        Assert.Equal(codes.Count, codes.Distinct().Count());
        Assert.All(all, status =>
        {
            Assert.True(ResponseClass.IsFinalCode(status.Code), $"{status.Code} is not a final code.");
            Assert.False(string.IsNullOrWhiteSpace(status.Phrase), $"{status.Code} has no phrase.");
            Assert.StartsWith("RFC ", status.Rfc, StringComparison.Ordinal);
            Assert.Same(status, SipStatusCodes.Find(status.Code));
        });
    }

    [Fact]
    public void All_Codes_AreExactlyTheIanaRegisteredFinalCodes()
    {
        var codes = SipStatusCodes.All.Select(status => status.Code);

        Assert.Equal(IanaFinalCodes, codes);
    }

    [Theory]
    [MemberData(nameof(RegisteredCodes))]
    public void Entry_RegisteredCode_HasAnOutcomeAndAMeaningAndRemedyInBothLanguages(int code)
    {
        var status = SipStatusCodes.Find(code);

        Assert.NotNull(status);
        Assert.Contains(status.Outcome, Outcome.All);
        CatalogueText.AssertOneSentenceInEachLanguage(status.Meaning, $"{code} meaning");
        CatalogueText.AssertOneSentenceInEachLanguage(status.Remedy, $"{code} remedy");
    }

    [Theory]
    [InlineData(486, Outcome.Busy, false)]
    [InlineData(404, Outcome.InvalidNumber, false)]
    [InlineData(480, Outcome.Unreachable, true)]
    [InlineData(603, Outcome.Declined, false)]
    [InlineData(487, Outcome.Cancelled, false)]
    [InlineData(408, Outcome.Unreachable, true)]
    [InlineData(503, Outcome.NetworkError, true)]
    [InlineData(488, Outcome.MediaError, false)]
    [InlineData(403, Outcome.ConfigurationError, false)]
    [InlineData(484, Outcome.InvalidNumber, false)]
    [InlineData(500, Outcome.NetworkError, true)]
    [InlineData(600, Outcome.Busy, false)]
    [InlineData(604, Outcome.InvalidNumber, false)]
    [InlineData(302, Outcome.Redirected, false)]
    [InlineData(607, Outcome.Blocked, false)]
    [InlineData(200, Outcome.Answered, false)]
    public void Find_CodeTheAcceptanceTestChecks_GivesItsDefaultOutcomeAndWhetherACauseDecides(
        int code, string outcome, bool causeDecides)
    {
        var status = SipStatusCodes.Find(code);

        Assert.NotNull(status);
        Assert.Equal(outcome, status.Outcome);
        Assert.Equal(causeDecides, status.CauseDecides);
    }

    [Fact]
    public void CauseDecides_OnlyTheGeneralCodesCarriersSendForDifferentThings()
    {
        int[] general = [400, 408, 410, 480, 500, 502, 503, 504, 580];

        var codes = SipStatusCodes.All.Where(status => status.CauseDecides).Select(status => status.Code);

        Assert.Equal(general, codes);
    }

    [Fact]
    public void Outcome_AnsweredOnlyFor2xxAndRedirectedFor3xx()
    {
        var all = SipStatusCodes.All.ToList();

        Assert.All(all, status => Assert.Equal(
            status.Class == ResponseClass.Answered, status.Outcome == Outcome.Answered));
        Assert.All(all.Where(status => status.Class == ResponseClass.Redirection),
            status => Assert.Equal(Outcome.Redirected, status.Outcome));
    }

    [Fact]
    public void Outcome_NoRegisteredCode_DefaultsToUnknownOrNoResponse()
    {
        var outcomes = SipStatusCodes.All.Select(status => status.Outcome).ToList();

        Assert.DoesNotContain(Outcome.Unknown, outcomes);
        Assert.DoesNotContain(Outcome.NoResponse, outcomes);
    }
}

/// <summary>What every text of the SIP and Q.850 catalogues must be, checked the same way for both.</summary>
internal static class CatalogueText
{
    // Letters of the Vietnamese alphabet that English does not use: a text without one is not Vietnamese.
    private const string VietnameseLetters =
        "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ";

    public static void AssertOneSentenceInEachLanguage(LocalizedText text, string what)
    {
        AssertOneSentence(text.En, $"{what} (en)");
        AssertOneSentence(text.Vi, $"{what} (vi)");
        Assert.False(HasVietnameseLetter(text.En), $"{what}: the English text has Vietnamese letters: {text.En}");
        Assert.True(HasVietnameseLetter(text.Vi), $"{what}: the Vietnamese text is not Vietnamese: {text.Vi}");
        Assert.NotEqual(text.En, text.Vi);
    }

    private static void AssertOneSentence(string text, string what)
    {
        Assert.False(string.IsNullOrWhiteSpace(text), $"{what} is empty.");
        Assert.True(text.EndsWith('.'), $"{what} does not end with a full stop: {text}");
        Assert.False(
            text.TrimEnd('.').Contains(". ", StringComparison.Ordinal), $"{what} is not one sentence: {text}");
        Assert.Equal(text.Trim(), text);
    }

    private static bool HasVietnameseLetter(string text) =>
        text.ToLowerInvariant().Any(letter => VietnameseLetters.Contains(letter));
}
