using System.Net;
using System.Net.Http.Headers;
using CallTracker.Api.Tests.Infrastructure;

namespace CallTracker.Api.Tests;

/// <summary>The public SIP catalogue: codes, Q.850 causes, outcomes, local causes; in English and Vietnamese.</summary>
[Collection(ApiSuite.Name)]
public sealed class SipCatalogTests(ApiFixture fixture)
{
    [Fact]
    public async Task Codes_NeedNoCredential_AreCacheable_AndCoverEveryRegisteredFailure()
    {
        var anonymous = fixture.Factory.CreateClient();

        var response = await anonymous.GetAsync("/api/v1/sip/codes");
        var codes = (await response.JsonAsync()).AsArray();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("public", response.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
        Assert.Contains(codes, code => code!["code"]!.GetValue<int>() == 608 && (string)code["outcome"]! == "blocked");
        Assert.All(codes, code => Assert.False(string.IsNullOrEmpty((string?)code!["remedy"])));
    }

    [Theory]
    [InlineData("en", "Busy Here", "busy")]
    [InlineData("vi", "Busy Here", "busy")]
    public async Task Code_AnswersInTheLanguageAskedFor(string language, string phrase, string outcome)
    {
        var anonymous = fixture.Factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/sip/codes/486");
        request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue(language));

        var code = await (await anonymous.SendAsync(request)).JsonAsync();
        var english = await anonymous.GetJsonAsync("/api/v1/sip/codes/486");

        Assert.Equal(phrase, (string)code["phrase"]!);
        Assert.Equal(outcome, (string)code["outcome"]!);
        Assert.Equal(language == "vi", (string)code["meaning"]! != (string)english["meaning"]!);
    }

    [Fact]
    public async Task Code_UnregisteredInRange_KeepsItsNumberAndClassButNotTheX00Outcome()
    {
        var anonymous = fixture.Factory.CreateClient();

        var code = await anonymous.GetJsonAsync("/api/v1/sip/codes/699");

        Assert.Equal(699, code["code"]!.GetValue<int>());
        Assert.Equal("6xx", (string)code["class"]!);
        Assert.False(code["registered"]!.GetValue<bool>());
        Assert.Equal("unknown", (string)code["outcome"]!);
    }

    [Theory]
    [InlineData(199)]
    [InlineData(700)]
    public async Task Code_OutsideTheFinalRange_IsA404Problem(int code)
    {
        var anonymous = fixture.Factory.CreateClient();

        var response = await anonymous.GetAsync($"/api/v1/sip/codes/{code}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Q850Causes_ListTheDecisiveAndTheSilentCauses()
    {
        var anonymous = fixture.Factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/sip/q850-causes");
        request.Headers.AcceptLanguage.ParseAdd("vi");

        var causes = (await (await anonymous.SendAsync(request)).JsonAsync()).AsArray()
            .ToDictionary(cause => cause!["cause"]!.GetValue<int>(), cause => cause!);

        Assert.Equal("no_answer", (string)causes[19]["outcome"]!);
        Assert.Null(causes[16]["outcome"]);
        Assert.Equal("Subscriber absent", (string)causes[20]["name"]!);
        Assert.All(causes.Values, cause => Assert.False(string.IsNullOrEmpty((string?)cause["meaning"])));
    }

    [Fact]
    public async Task Outcomes_AndLocalCauses_AreListed()
    {
        var anonymous = fixture.Factory.CreateClient();

        var outcomes = (await anonymous.GetJsonAsync("/api/v1/sip/outcomes")).AsArray();
        var localCauses = (await anonymous.GetJsonAsync("/api/v1/sip/local-causes")).AsArray();

        Assert.Equal(14, outcomes.Count);
        Assert.Contains(localCauses, cause => (string)cause!["localCause"]! == "ring_timeout");
    }

    [Fact]
    public async Task Codes_FromAnyOrigin_CarryCorsHeaders()
    {
        var anonymous = fixture.Factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/sip/codes/480");
        request.Headers.Add("Origin", "https://any-crm.example.test");

        var response = await anonymous.SendAsync(request);

        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Theory]
    [InlineData("vi", "vi")]
    [InlineData("vi;q=0, en", "en")]
    [InlineData("fr-FR, vi;q=0.5", "vi")]
    [InlineData("de", "en")]
    public async Task TheLanguage_FollowsAcceptLanguageQualities_AndIsNamedInContentLanguage(
        string acceptLanguage, string expected)
    {
        var anonymous = fixture.Factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/sip/codes/486");
        request.Headers.TryAddWithoutValidation("Accept-Language", acceptLanguage);

        var response = await anonymous.SendAsync(request);

        Assert.Equal([expected], response.Content.Headers.ContentLanguage);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("0486")]
    public async Task Code_ThatIsNotThreeDigits_IsAValidationProblem(string code)
    {
        var anonymous = fixture.Factory.CreateClient();

        var response = await anonymous.GetAsync($"/api/v1/sip/codes/{code}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
