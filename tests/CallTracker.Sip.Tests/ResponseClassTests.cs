namespace CallTracker.Sip.Tests;

public class ResponseClassTests
{
    [Theory]
    [InlineData(200, 299, "2xx")]
    [InlineData(300, 399, "3xx")]
    [InlineData(400, 499, "4xx")]
    [InlineData(500, 599, "5xx")]
    [InlineData(600, 699, "6xx")]
    public void Of_EveryCodeOfAClass_GivesThatClass(int from, int to, string expected)
    {
        var codes = Enumerable.Range(from, to - from + 1);

        var classes = codes.Select(code => (Code: code, Class: ResponseClass.Of(code))).ToList();

        Assert.Equal(100, classes.Count);
        Assert.All(classes, result => Assert.Equal(expected, result.Class));
    }

    [Fact]
    public void Of_UnregisteredCode_GivesClassFromFirstDigit()
    {
        var unregistered = 477;

        var responseClass = ResponseClass.Of(unregistered);

        Assert.Null(SipStatusCodes.Find(unregistered));
        Assert.Equal(ResponseClass.ClientFailure, responseClass);
    }

    [Fact]
    public void Of_Null_GivesNone()
    {
        int? noResponse = null;

        var responseClass = ResponseClass.Of(noResponse);

        Assert.Equal("none", responseClass);
        Assert.Equal(ResponseClass.None, responseClass);
    }

    [Theory]
    [InlineData(int.MinValue)]
    [InlineData(-486)]
    [InlineData(0)]
    [InlineData(100)]
    [InlineData(183)]
    [InlineData(199)]
    [InlineData(700)]
    [InlineData(999)]
    [InlineData(4860)]
    [InlineData(int.MaxValue)]
    public void Of_CodeOutside200To699_ThrowsArgumentOutOfRange(int code)
    {
        var classify = () => ResponseClass.Of(code);

        var exception = Assert.Throws<ArgumentOutOfRangeException>(classify);

        Assert.Equal("code", exception.ParamName);
        Assert.Equal(code, exception.ActualValue);
    }

    [Theory]
    [InlineData(199, false)]
    [InlineData(200, true)]
    [InlineData(699, true)]
    [InlineData(700, false)]
    public void IsFinalCode_BoundaryCodes_AcceptsOnly200To699(int code, bool expected)
    {
        var isFinal = ResponseClass.IsFinalCode(code);

        Assert.Equal(expected, isFinal);
    }

    [Theory]
    [InlineData("2xx", 200, 299)]
    [InlineData("3xx", 300, 399)]
    [InlineData("4xx", 400, 499)]
    [InlineData("5xx", 500, 599)]
    [InlineData("6xx", 600, 699)]
    public void CodeRange_ResponseClass_GivesItsHundredCodes(string responseClass, int from, int to)
    {
        var range = ResponseClass.CodeRange(responseClass);

        Assert.Equal((from, to), range);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("1xx")]
    [InlineData("7xx")]
    [InlineData("")]
    [InlineData("486")]
    public void CodeRange_NoneOrUnknownClass_GivesNull(string responseClass)
    {
        var range = ResponseClass.CodeRange(responseClass);

        Assert.Null(range);
    }

    [Fact]
    public void CodeRange_EveryClassWithCodes_HoldsExactlyTheCodesOfThatClass()
    {
        var classesWithCodes = ResponseClass.All.Where(responseClass => responseClass != ResponseClass.None);

        var ranges = classesWithCodes.ToDictionary(responseClass => responseClass, ResponseClass.CodeRange);

        Assert.Equal(5, ranges.Count);
        Assert.All(ranges, entry =>
        {
            Assert.NotNull(entry.Value);
            var (from, to) = entry.Value.Value;
            Assert.All(Enumerable.Range(from, to - from + 1), code => Assert.Equal(entry.Key, ResponseClass.Of(code)));
            Assert.NotEqual(entry.Key, ClassOrNull(from - 1));
            Assert.NotEqual(entry.Key, ClassOrNull(to + 1));
        });
    }

    [Fact]
    public void Failures_InReportOrder_ListsEveryClassButAnswered()
    {
        var failures = ResponseClass.Failures;

        Assert.Equal(["3xx", "4xx", "5xx", "6xx", "none"], failures);
        Assert.Equal(ResponseClass.All.Where(responseClass => responseClass != ResponseClass.Answered), failures);
    }

    private static string? ClassOrNull(int code) => ResponseClass.IsFinalCode(code) ? ResponseClass.Of(code) : null;
}
