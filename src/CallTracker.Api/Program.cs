using System.Text.Json.Serialization;
using CallTracker.Api.Events;
using CallTracker.Api.Hosting;
using CallTracker.Api.Http;
using CallTracker.Api.OpenApi;
using CallTracker.Api.Reports;
using CallTracker.Api.Security;
using CallTracker.Storage;
using Microsoft.Extensions.Options;
using Serilog;
using Serilog.Events;

if (args.Contains(HealthProbe.Argument))
{
    Environment.ExitCode = await HealthProbe.RunAsync();
    return;
}

// The bootstrap logger covers start-up, before configuration is read; the real one replaces it.
Log.Logger = new LoggerConfiguration().WriteTo.Console().CreateBootstrapLogger();

try
{
    var builder = WebApplication.CreateBuilder(args);
    await using var localDatabase = await DatabaseStartup.EnsureDatabaseServerAsync(builder);

    builder.Services.AddSerilog((services, logger) => logger
        .ReadFrom.Configuration(builder.Configuration)
        .ReadFrom.Services(services)
        .Enrich.FromLogContext()
        .WriteTo.Console());

    builder.Services.AddOptions<CallTrackerOptions>()
        .Bind(builder.Configuration.GetSection(CallTrackerOptions.Section));
    builder.Services.AddSingleton(TimeProvider.System);
    builder.Services.AddSingleton(services =>
        new EventParser(services.GetRequiredService<IOptions<CallTrackerOptions>>().Value.Ingestion));

    var connectionString = builder.Configuration.GetConnectionString(DatabaseStartup.ConnectionStringName)!;
    builder.Services.AddCallTrackerStorage(connectionString);
    builder.Services.AddCallTrackerProblems();
    builder.Services.AddCallTrackerAuthentication();
    builder.Services.AddCallTrackerHealth();
    builder.Services.AddCallTrackerSwagger();
    builder.Services.ConfigureHttpJsonOptions(options =>
    {
        options.SerializerOptions.Converters.Add(new UtcDateTimeOffsetConverter());
        options.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
    });

    var origins = builder.Configuration.GetSection("CallTracker:Cors:AllowedOrigins").Get<string[]>() ?? [];
    builder.Services.AddCors(cors => cors.AddPolicy(EventsEndpoints.IngestCorsPolicy, policy =>
    {
        // Browsers add headers of their own (sentry-trace, baggage, traceparent): allow any header
        // rather than answer a preflight with a 400 that hides the real problem.
        policy.AllowAnyHeader().WithMethods("POST").WithExposedHeaders("Retry-After");
        _ = origins.Length == 0 ? policy.AllowAnyOrigin() : policy.WithOrigins(origins);
    }));

    var app = builder.Build();
    await app.PrepareDatabaseAsync();

    app.UseExceptionHandler();
    app.UseStatusCodePages();
    app.UseSerilogRequestLogging(options =>
    {
        // A request log line's level follows the outcome; the path is logged, never the query string
        // (it may carry the ingest key).
        options.GetLevel = (http, _, exception) => exception is not null || http.Response.StatusCode >= 500
            ? LogEventLevel.Error
            : http.Response.StatusCode >= 400 ? LogEventLevel.Warning : LogEventLevel.Information;
    });
    app.UseCors();
    app.UseAuthentication();
    app.UseAuthorization();

    if (app.Services.GetRequiredService<IOptions<CallTrackerOptions>>().Value.Swagger.Enabled)
    {
        app.UseCallTrackerSwagger();
    }

    app.MapEventsEndpoints();
    app.MapReportsEndpoints();
    app.MapHealthEndpoints();

    await app.RunAsync();
}
catch (Exception exception) when (exception is not HostAbortedException)
{
    Log.Fatal(exception, "CallTracker failed to start");
    Environment.ExitCode = 1;
}
finally
{
    await Log.CloseAndFlushAsync();
}

/// <summary>Visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
