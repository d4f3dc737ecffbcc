using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace CallTracker.Api.Http;

/// <summary>One error mechanism for the whole service: RFC 9457 ProblemDetails with a trace id.</summary>
public static class Problems
{
    public static IServiceCollection AddCallTrackerProblems(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Extensions["traceId"] = Activity.Current?.Id ?? context.HttpContext.TraceIdentifier;
            context.ProblemDetails.Detail ??= DefaultDetail(context.HttpContext, context.ProblemDetails.Status);
        });
        services.AddExceptionHandler<ExceptionToProblem>();

        // A body or parameter the framework cannot bind throws in every environment (not only in
        // Development), so that ExceptionToProblem answers it in the same shape as every other bad input.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(
            options => options.ThrowOnBadRequest = true);
        return services;
    }

    /// <summary>
    /// What to fix, for the problems the status code pages write with a title only: a request no endpoint
    /// matched (an id of the wrong form, /projects/abc, is one), a body the framework would not bind for its
    /// content type, and one past Kestrel's size limit. Every other problem brings its own detail.
    /// </summary>
    private static string? DefaultDetail(HttpContext http, int? status) => status switch
    {
        StatusCodes.Status404NotFound => "No endpoint answers this path. Check it against the API in /swagger: " +
            "an id in a path has the form given there (a number or a UUID).",
        StatusCodes.Status405MethodNotAllowed =>
            $"This path does not take {http.Request.Method}; /swagger lists the methods it takes.",
        StatusCodes.Status413PayloadTooLarge =>
            http.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize is { } max
                ? $"The body is larger than the server takes, {max} bytes."
                : "The body is larger than the server takes.",
        StatusCodes.Status415UnsupportedMediaType =>
            "Send the body as JSON, with the header Content-Type: application/json.",
        _ => null,
    };

    public static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail, statusCode: status, title: title);

    /// <summary>
    /// What went wrong, fit for a log line or a health answer. An error PostgreSQL raised is given by its code
    /// and constraint, never its message, which can quote a value of the row (a phone number, a header);
    /// connection failures keep theirs ("Connection refused"), which say nothing of the data.
    /// </summary>
    public static string SafeReason(Exception exception) => exception switch
    {
        Npgsql.PostgresException postgres => postgres.ConstraintName is { } constraint
            ? $"PostgreSQL error {postgres.SqlState} on {constraint}"
            : $"PostgreSQL error {postgres.SqlState}",
        { InnerException: { } inner } => SafeReason(inner),
        Npgsql.NpgsqlException or System.Net.Sockets.SocketException or TimeoutException or IOException
            or OperationCanceledException => exception.Message,
        _ => exception.GetType().Name,
    };

    /// <summary>
    /// Failures worth retrying: the server cannot be reached or is shutting down, or it is out of
    /// resources. A constraint or data error would fail the same way again, so it is not one of them.
    /// </summary>
    public static bool IsDatabaseUnavailable(Exception exception) => exception switch
    {
        PostgresException postgres => postgres.IsTransient
            || postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
            || postgres.SqlState.StartsWith("53", StringComparison.Ordinal)
            || postgres.SqlState.StartsWith("57P0", StringComparison.Ordinal),
        NpgsqlException => true,
        TimeoutException => true,
        _ => exception.InnerException is { } inner && IsDatabaseUnavailable(inner),
    };
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
            Ingestion.IngestFailedException { TimedOut: true } => (StatusCodes.Status503ServiceUnavailable,
                "Not stored in time",
                "The database did not store these events in time; they were given up unless already being written. " +
                "Retry: event ids make it safe."),
            Ingestion.IngestFailedException => (StatusCodes.Status503ServiceUnavailable, "Not stored",
                "The batch with these events could not be stored, so none of them was. Retry: event ids make it " +
                "safe."),
            _ when Problems.IsDatabaseUnavailable(exception) => (StatusCodes.Status503ServiceUnavailable,
                "Database unavailable",
                HttpMethods.IsPost(http.Request.Method)
                    ? "The database could not be reached; nothing was stored. Retry later: event ids make it safe."
                    : "The database could not be reached. Retry later."),
            _ => (StatusCodes.Status500InternalServerError, "Internal server error",
                "An unexpected error occurred; the trace id identifies it in the service's log."),
        };

        // An outage is one line per request with its cause, not a stack trace; a 500 is a bug and gets one.
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            logger.LogWarning("Database unavailable for {Method} {Path}: {Reason}", http.Request.Method,
                http.Request.Path.Value, Problems.SafeReason(exception));
        }
        else if (status >= 500)
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
            ProblemDetails = BodyProblem(exception)
                ?? new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }

    /// <summary>
    /// A JSON body the framework could not bind (a number where a string belongs): a validation problem
    /// naming the field by its JSON path, like every other bad input, without the framework's C# type names.
    /// </summary>
    private static HttpValidationProblemDetails? BodyProblem(Exception exception)
    {
        if (exception is not BadHttpRequestException { InnerException: System.Text.Json.JsonException json })
        {
            return null;
        }

        var field = json.Path is { Length: > 2 } path ? path.TrimStart('$', '.') : "body";

        // System.Text.Json says so in its message only; a body type that refuses unknown fields (alert rules)
        // throws this for a misspelt one, and the path then ends with it.
        var unknown = json.Message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal);
        return new HttpValidationProblemDetails(new Dictionary<string, string[]>
        {
            [field] = [field == "body"
                ? "The body is not valid JSON."
                : unknown
                    ? $"{field} is not a field of this request; see the request schema in Swagger."
                    : $"{field} has the wrong type or is not valid JSON; see the request schema in Swagger."],
        })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "One or more validation errors occurred.",
        };
    }
}
