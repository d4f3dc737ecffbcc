namespace CallTracker.Sip.Tests;

public class SipStatusCodesTests
{
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
    public void Find_RegisteredCode_GivesCodePhraseRfcAndClass()
    {
        var code = 608;

        var status = SipStatusCodes.Find(code);

        Assert.NotNull(status);
        Assert.Equal(new SipStatusCode(608, "Rejected", "RFC 8688"), status);
        Assert.Equal(ResponseClass.GlobalFailure, status.Class);
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
}
