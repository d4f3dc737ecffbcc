using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace CallTracker.Api.Http;

/// <summary>One error mechanism for the whole service: RFC 9457 ProblemDetails with a trace id.</summary>
public static class Problems
{
    public static IServiceCollection AddCallTrackerProblems(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
            context.ProblemDetails.Extensions["traceId"] =
                Activity.Current?.Id ?? context.HttpContext.TraceIdentifier);
        services.AddExceptionHandler<ExceptionToProblem>();
        return services;
    }

    public static IResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail, statusCode: status, title: title);
}

/// <summary>
/// Maps the failures that are not the client's fault. Only a database that cannot be reached is a
/// 503 (retrying is safe: event ids make ingestion idempotent); everything else stays a 500.
/// </summary>
internal sealed class ExceptionToProblem(IProblemDetailsService problems, ILogger<ExceptionToProblem> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(
        HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = exception switch
        {
            BadHttpRequestException bad => (bad.StatusCode, "Bad request", bad.Message),
            NpgsqlException or TimeoutException or InvalidOperationException { InnerException: NpgsqlException } =>
                (StatusCodes.Status503ServiceUnavailable, "Database unavailable",
                    "The database could not be reached; nothing was stored. Retry later."),
            _ => (StatusCodes.Status500InternalServerError, "Internal server error",
                "An unexpected error occurred; the trace id identifies it in the service's log."),
        };

        if (status >= 500)
        {
            logger.LogError(exception, "Request failed with {StatusCode}", status);
        }

        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            http.Response.Headers.RetryAfter = "5";
        }

        http.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }
}
