using CallTracker.Sip.Phones;

namespace CallTracker.Sip.Tests;

/// <summary>
/// Dialled numbers, with Vietnam as the default region. These pin libphonenumber's metadata too: a
/// version bump that changes how Vietnamese numbers read fails here first.
/// </summary>
public class PhoneNumberAnalyzerTests
{
    private readonly PhoneNumberAnalyzer vietnam = new("VN");

    [Theory]
    [InlineData("0320000001", "+84320000001", "Viettel")]
    [InlineData("+84 32 000 0001", "+84320000001", "Viettel")]
    [InlineData("0900000001", "+84900000001", "MobiFone")]
    public void Analyze_CurrentVietnameseMobiles_AreValidMobilesWithTheirCarrier(
        string dialled, string e164, string carrier)
    {
        var phone = vietnam.Analyze(dialled);

        Assert.Equal(e164, phone.E164);
        Assert.True(phone.Valid);
        Assert.Equal("mobile", phone.Type);
        Assert.Equal("VN", phone.Region);
        Assert.Equal(carrier, phone.Carrier);
        Assert.False(phone.Converted);
    }

    [Theory]
    [InlineData("0162 000 0001", "+84320000001")]
    [InlineData("+84 162 000 0001", "+84320000001")]
    [InlineData("84 120 000 0001", "+84700000001")]
    [InlineData("01230000001", "+84830000001")]
    [InlineData("0186 000 0001", "+84560000001")]
    [InlineData("0199 000 0001", "+84590000001")]
    public void Analyze_OldElevenDigitMobiles_AreStoredAsTheNumberTheyBecameAndFlagged(string dialled, string e164)
    {
        var phone = vietnam.Analyze(dialled);

        Assert.Equal(e164, phone.E164);
        Assert.True(phone.Converted);
        Assert.True(phone.Valid);
    }

    [Fact]
    public void Analyze_TheFieldCaseNumbers_AllReadWithoutRejectingAnything()
    {
        var numbers = SharedData.FieldCaseInput("PHONE-01").EnumerateArray().Select(item => item.GetString()!).ToList();

        var phones = numbers.Select(vietnam.Analyze).ToList();

        Assert.Equal(6, phones.Count);
        Assert.All(phones, phone => Assert.True(phone.Valid));
        Assert.Equal(3, phones.Count(phone => phone.Converted));
    }

    [Theory]
    [InlineData("08 3822 1234")]
    [InlineData("(08) 3822 1234")]
    [InlineData("04 3825 1234")]
    public void Analyze_AnOldCityLandline_IsNotConvertedButFlaggedAsDoubtful(string dialled)
    {
        var phone = vietnam.Analyze(dialled);

        Assert.False(phone.Converted);
        Assert.Contains("landline", phone.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0084 162 000 0001")]
    [InlineData("+84 (0) 162 000 0001")]
    [InlineData("+84 0162 000 0001")]
    public void Analyze_OldMobilesWrittenInternationally_AreConvertedToo(string dialled)
    {
        var phone = vietnam.Analyze(dialled);

        Assert.Equal("+84320000001", phone.E164);
        Assert.True(phone.Converted);
    }

    [Theory]
    [InlineData("tel:+84900000001", null)]
    [InlineData("tel:+84900000001;ext=12", "12")]
    [InlineData("sip:0900000001@10.0.0.1", null)]
    [InlineData("sips:+84900000001@pbx.example.com;user=phone", null)]
    public void Analyze_TelAndSipAddresses_ReadTheirNumber(string dialled, string? extension)
    {
        var phone = vietnam.Analyze(dialled);

        Assert.Equal("+84900000001", phone.E164);
        Assert.Equal(extension, phone.Extension);
    }

    [Fact]
    public void Analyze_AnExtensionTypedDecomposed_IsStillFound()
    {
        var decomposed = "0900000001 máy lẻ 12".Normalize(System.Text.NormalizationForm.FormD);

        var phone = vietnam.Analyze(decomposed);

        Assert.Equal("+84900000001", phone.E164);
        Assert.Equal("12", phone.Extension);
    }

    [Theory]
    [InlineData("1-800-FLOWERS")]
    [InlineData("090 CALL ME")]
    public void Analyze_LettersAreNotTurnedIntoDigits(string dialled)
    {
        var phone = vietnam.Analyze(dialled);

        Assert.Null(phone.E164);
        Assert.False(phone.Valid);
        Assert.Contains("letters", phone.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0901234567 ext. 12")]
    [InlineData("0901234567 ext 12")]
    [InlineData("0901234567 extension 12")]
    [InlineData("0901234567 x12")]
    [InlineData("0901234567x12")]
    [InlineData("0901234567#12")]
    [InlineData("+84901234567;ext=12")]
    [InlineData("0901234567 máy lẻ 12")]
    [InlineData("0901234567 nhánh 12")]
    [InlineData("0901234567 ml 12")]
    public void Analyze_ExtensionsInAnySpelling_AreKeptApartFromTheNumber(string dialled)
    {
        var phone = vietnam.Analyze(dialled);

        Assert.Equal("+84901234567", phone.E164);
        Assert.Equal("12", phone.Extension);
        Assert.True(phone.Valid);
    }

    [Theory]
    [InlineData("")]
    [InlineData("+")]
    [InlineData("12")]
    public void Analyze_ANumberThatDoesNotParse_SaysSoAndThrowsNothing(string dialled)
    {
        var phone = vietnam.Analyze(dialled);

        Assert.False(phone.Valid);
        Assert.NotNull(phone.Problem);
    }

    [Fact]
    public void Analyze_AForeignNumberWithItsCountryCode_KeepsItsOwnRegion()
    {
        var phone = vietnam.Analyze("+44 20 7946 0958");

        Assert.Equal("GB", phone.Region);
        Assert.Equal("fixed_line", phone.Type);
    }
}
