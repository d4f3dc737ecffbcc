using CallTracker.Sip.Phones;

namespace CallTracker.Sip.Tests;

public sealed class PhonePseudonymsTests
{
    private const string Key = "0123456789abcdef0123456789abcdef-test-key";

    private static readonly PhoneNumberAnalyzer Phones = new("VN");
    private readonly PhonePseudonyms pseudonyms = new(Key, Phones);

    [Fact]
    public void TokenOf_GivesOneTokenForEveryWayOfDiallingANumber_AndAnotherForAnotherNumber()
    {
        var tokens = new[] { "0901234501", "+84 90 123 45 01", "84901234501", "tel:+84-90-123-4501" }
            .Select(pseudonyms.TokenOf).Distinct().ToList();

        var token = Assert.Single(tokens);
        Assert.StartsWith(PhonePseudonyms.Prefix, token, StringComparison.Ordinal);
        Assert.DoesNotContain("1234501", token, StringComparison.Ordinal);
        Assert.NotEqual(token, pseudonyms.TokenOf("0901234502"));
    }

    [Fact]
    public void TokenOf_DependsOnTheKey_SoAListOfHashedNumbersCannotBeBuiltWithoutIt()
    {
        var other = new PhonePseudonyms(Key.Replace('0', '1'), Phones);

        Assert.NotEqual(pseudonyms.TokenOf("0901234501"), other.TokenOf("0901234501"));
    }

    [Fact]
    public void AShortKey_IsRefused() =>
        Assert.Throws<ArgumentException>(() => new PhonePseudonyms("too-short", Phones));

    [Fact]
    public void HideInMessage_ReplacesEveryNumberOfThePartyHeaders_AndTheDialledNumberElsewhere()
    {
        var message = "SIP/2.0 486 Busy Here\r\n" +
            "Via: SIP/2.0/UDP 127.0.0.1:5071;branch=z9hG4bK-20741-1-0\r\n" +
            "From: \"0281234567\" <sip:0281234567@127.0.0.1:5071>;tag=20741\r\n" +
            "t: <sip:0901234501@127.0.0.1:5070>;tag=20738\r\n" +
            "P-Asserted-Identity: <tel:+84-90-123-4501>\r\n" +
            "Remote-Party-ID: <sip:+84281234567@carrier.example>;party=calling\r\n" +
            "X-Dialled: 84901234501\r\n" +
            "CSeq: 1 INVITE\r\n";

        var hidden = pseudonyms.HideInMessage(message, "+84901234501", "0901234501");

        Assert.DoesNotContain("1234501", hidden, StringComparison.Ordinal);
        Assert.DoesNotContain("1234567", hidden, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1:5071", hidden, StringComparison.Ordinal);
        Assert.Contains("CSeq: 1 INVITE", hidden, StringComparison.Ordinal);
        Assert.Equal(3, hidden.Split(pseudonyms.TokenOf("0901234501")).Length - 1);
        Assert.Equal(3, hidden.Split(pseudonyms.TokenOf("0281234567")).Length - 1);
    }

    [Fact]
    public void HideInHeader_LeavesOtherHeadersTheirOwnNumbers()
    {
        var server = pseudonyms.HideInHeader("Server", "CarrierGW/4.2 build 20261204", "+84901234501", "0901234501");
        var contact = pseudonyms.HideInHeader("m", "<sip:0281234567@10.0.0.1>", "+84901234501", "0901234501");

        Assert.Equal("CarrierGW/4.2 build 20261204", server);
        Assert.Equal($"<sip:{pseudonyms.TokenOf("0281234567")}@10.0.0.1>", contact);
    }

    [Fact]
    public void Hide_LeavesATokenAlone() =>
        Assert.Equal("x", pseudonyms.Hide("x", null, pseudonyms.TokenOf("0901234501")));
}
