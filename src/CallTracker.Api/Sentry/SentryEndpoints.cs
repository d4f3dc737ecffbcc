namespace CallTracker.Api.Sentry;

/// <summary>
/// Sentry's ingestion protocol, so that a CRM that already uses a Sentry SDK only changes its DSN to
/// <c>http(s)://&lt;ingest key&gt;@&lt;host&gt;/&lt;project id&gt;</c>.
/// </summary>
public static partial class SentryEndpoints
{
    public const string CorsPolicy = Security.IngestCorsPolicyProvider.SentryPolicy;

    public static IEndpointRouteBuilder MapSentryEndpoints(this IEndpointRouteBuilder app)
    {
        var sentry = app.MapGroup("/api/{projectId:int}").WithTags("Sentry compatibility").RequireCors(CorsPolicy);

        // SDKs post with a trailing slash; routing matches the path without it too.
        sentry.MapPost("envelope/", EnvelopeAsync)
            .Describe("Sentry envelope ingestion, for Sentry SDKs (set their DSN to CallTracker)",
                "The body is a Sentry envelope, read as a stream; the key comes from X-Sentry-Auth, the " +
                "sentry_key query parameter or the envelope's dsn. Events with SIP data become failed calls.");
        sentry.MapPost("store/", StoreAsync)
            .Describe("Sentry's legacy store endpoint: one event as JSON",
                "The key comes from X-Sentry-Auth or the sentry_key query parameter.");

        // A DSN whose project is not a number, or a GET on the envelope: answered here rather than by routing's
        // bare 404 or 405, with the CORS headers a browser SDK needs to read why.
        foreach (var endpoint in new[] { "envelope", "store" })
        {
            app.Map($"/api/{{projectId}}/{endpoint}/{{**rest}}", Unmatched)
                .RequireCors(CorsPolicy).ExcludeFromDescription();
        }

        return app;
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Unmatched(HttpContext http)
    {
        if (!HttpMethods.IsPost(http.Request.Method))
        {
            http.Response.Headers.Allow = "POST";
            return Http.Problems.Problem(StatusCodes.Status405MethodNotAllowed, "Method not allowed",
                "Sentry SDKs POST their events here.");
        }

        return Http.Problems.Problem(StatusCodes.Status404NotFound, "Not found",
            "The DSN's project id is not a number: a DSN reads http(s)://<ingest key>@<host>/<project id>.");
    }

    private static RouteHandlerBuilder Describe(this RouteHandlerBuilder route, string summary, string description) =>
        route.WithSummary(summary).WithDescription(description)
            .Produces<SentryAnswer>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    private static async Task<IResult> EnvelopeAsync(
        int projectId, HttpContext http, SentryIngestor ingestor, CancellationToken cancellationToken) =>
        await ingestor.HandleAsync(http, projectId, isEnvelope: true, cancellationToken);

    private static async Task<IResult> StoreAsync(
        int projectId, HttpContext http, SentryIngestor ingestor, CancellationToken cancellationToken) =>
        await ingestor.HandleAsync(http, projectId, isEnvelope: false, cancellationToken);
}

/// <summary>What a Sentry SDK is told: the id of the event it sent.</summary>
public sealed record SentryAnswer
{
    /// <summary>The event id, 32 hex digits.</summary>
    /// <example>9ec79c33ec9942ab8353589fcb2e04dc</example>
    public string? Id { get; init; }
}
