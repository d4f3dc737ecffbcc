using CallTracker.Sip.Phones;

namespace CallTracker.Sip.Tests;

public sealed class PhoneMaskTests
{
    [Theory]
    [InlineData("+84901234501", "0901234501", "+84 90 *** **01")]
    [InlineData("+493012345678", "030 12345678", "+49 30 *** ***78")]
    [InlineData(null, "not a number 12", "*** * ****** 12")]
    [InlineData(null, "1234", "**34")]
    public void Mask_KeepsTheCountryTheFirstTwoAndTheLastTwoDigits(string? e164, string dialled, string masked) =>
        Assert.Equal(masked, PhoneMask.Mask(e164, dialled));

    [Fact]
    public void Redact_HidesTheNumberInEveryFormASipStackWritesIt()
    {
        var text = "To: <sip:0901234501@carrier.example>;tag=1\r\nP-Asserted-Identity: <tel:+84901234501>\r\n" +
            "X-Called: 84901234501, national 901234501, CSeq: 102 INVITE";

        var redacted = PhoneMask.Redact(text, "+84901234501", "0901234501");

        Assert.DoesNotContain("1234", redacted, StringComparison.Ordinal);
        Assert.Equal(4, redacted.Split("+84 90 *** **01").Length - 1);
        Assert.Contains("CSeq: 102 INVITE", redacted, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Call to 0901234501 failed", "Call to 09******01 failed")]
    [InlineData("Dial +84 90 123 4501 failed", "Dial +84 ** *** **01 failed")]
    [InlineData("Call 1234 failed with code 486", "Call 1234 failed with code 486")]
    public void RedactDigitRuns_HidesLongNumbersInFreeText(string text, string redacted) =>
        Assert.Equal(redacted, PhoneMask.RedactDigitRuns(text));
}
