using System.Text.Json.Serialization;
using CallTracker.Api.Alerts;
using CallTracker.Api.Alerts.Delivery;
using CallTracker.Api.Catalog;
using CallTracker.Api.ErrorEvents;
using CallTracker.Api.Events;
using CallTracker.Api.Hosting;
using CallTracker.Api.Http;
using CallTracker.Api.Ingestion;
using CallTracker.Api.Issues;
using CallTracker.Api.OpenApi;
using CallTracker.Api.Projects;
using CallTracker.Api.Reports;
using CallTracker.Api.Security;
using CallTracker.Api.Sentry;
using CallTracker.Storage;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Options;
using Prometheus;
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

    // preserveStaticLogger: the host gets a logger of its own instead of freezing the static bootstrap
    // logger, which a second host in the same process (the tests start several) could not freeze again.
    builder.Services.AddSerilog(
        (services, logger) => logger
            .ReadFrom.Configuration(builder.Configuration)
            .ReadFrom.Services(services)
            .Enrich.FromLogContext()
            .WriteTo.Console(),
        preserveStaticLogger: true);

    builder.Services.AddOptions<CallTrackerOptions>()
        .Bind(builder.Configuration.GetSection(CallTrackerOptions.Section))
        .Validate(options =>
        {
            RetentionSweeper.Validate(options.Retention);
            return true;
        })
        .ValidateOnStart();
    builder.Services.AddSingleton(TimeProvider.System);
    builder.Services.AddSingleton(services => PhoneSetup.CreateAnalyzer(
        services.GetRequiredService<IOptions<CallTrackerOptions>>().Value.Phone));
    builder.Services.AddSingleton<CallEventEnricher>();
    builder.Services.AddSingleton(services => new PhonePrivacy(PhoneSetup.CreatePseudonyms(
        services.GetRequiredService<IOptions<CallTrackerOptions>>().Value.Phone,
        services.GetRequiredService<CallTracker.Sip.Phones.PhoneNumberAnalyzer>())));
    builder.Services.AddScoped<SentryIngestor>();
    builder.Services.AddSingleton<IngestQueue>();
    builder.Services.AddSingleton<IngestKeyCache>();
    builder.Services.AddSingleton<ServiceMetrics>();
    builder.Services.AddSingleton<MinuteCounters>();
    builder.Services.AddSingleton<IssueChanges>();
    builder.Services.AddHostedService<BatchWriter>();
    builder.Services.AddSingleton<RetentionSweeper>();
    builder.Services.AddHostedService(services => services.GetRequiredService<RetentionSweeper>());
    // The history's reporter before the delivery, whose default reporter records nothing.
    builder.Services.AddSingleton(services => AlertHistory.Reporter(
        services.GetRequiredService<Npgsql.NpgsqlDataSource>()));
    builder.Services.AddAlertDelivery();
    builder.Services.AddSingleton<AlertEvaluator>();
    builder.Services.AddHostedService(services => services.GetRequiredService<AlertEvaluator>());
    builder.Services.AddSingleton(services => new EventParser(
        services.GetRequiredService<IOptions<CallTrackerOptions>>().Value.Ingestion,
        services.GetRequiredService<CallEventEnricher>(),
        services.GetRequiredService<PhonePrivacy>()));

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

    // The ingest endpoints' policies are per project (Security/ProjectOrigins); the catalogue's is fixed.
    builder.Services.AddSingleton<ProjectOrigins>();
    builder.Services.AddSingleton<IngestLimits>();
    builder.Services.AddSingleton<ICorsPolicyProvider, IngestCorsPolicyProvider>();
    builder.Services.AddCors(cors =>
    {
        // The SIP catalogue is public reference data that any CRM page may read.
        cors.AddPolicy(SipCatalogEndpoints.CorsPolicy, policy =>
            policy.AllowAnyOrigin().AllowAnyHeader().WithMethods("GET"));
    });

    var app = builder.Build();
    // Built now, so that a bad region or a missing HMAC key stops the start rather than the first request.
    _ = app.Services.GetRequiredService<PhonePrivacy>();
    await app.PrepareDatabaseAsync();

    // Outermost, so that it logs the status the client got, after the exception handler below has
    // turned an exception into a 400 or 503. The path is logged, never the query string (it may carry
    // the ingest key); the level follows the outcome.
    app.UseSerilogRequestLogging(options =>
    {
        // The host's own logger: the static one is only the bootstrap logger (see AddSerilog above).
        options.Logger = app.Services.GetRequiredService<Serilog.ILogger>();
        options.GetLevel = (http, _, _) =>
            http.Response.StatusCode >= 500 ? LogEventLevel.Error
            : http.Response.StatusCode >= 400 ? LogEventLevel.Warning
            : LogEventLevel.Information;
    });
    app.UseExceptionHandler();
    app.UseStatusCodePages();
    app.UseCors();
    app.UseAuthentication();
    app.UseAuthorization();

    if (app.Services.GetRequiredService<IOptions<CallTrackerOptions>>().Value.Swagger.Enabled)
    {
        app.UseCallTrackerSwagger();
    }

    app.MapEventsEndpoints();
    app.MapReportsEndpoints();
    app.MapSipCatalogEndpoints();
    app.MapSentryEndpoints();
    app.MapErrorEventsEndpoints();
    app.MapIssuesEndpoints();
    app.MapProjectsEndpoints();
    app.MapIngestKeysEndpoints();
    app.MapApiTokensEndpoints();
    app.MapErasuresEndpoints();
    app.MapAlertRulesEndpoints();
    app.MapAlertsEndpoints();
    app.MapHealthEndpoints();
    app.MapMetrics(registry: app.Services.GetRequiredService<ServiceMetrics>().Registry);

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
public partial class Program
{
}
