using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CallTracker.Storage;

public static class StorageSetup
{
    /// <summary>
    /// One data source for EF and for the raw Npgsql writes, so both share a pool and its settings.
    /// </summary>
    public static IServiceCollection AddCallTrackerStorage(this IServiceCollection services, string connectionString)
    {
        var dataSource = new NpgsqlDataSourceBuilder(connectionString).Build();
        services.AddSingleton(dataSource);
        // Pooled: every request that reads or authenticates gets a context, and building one is not free.
        services.AddDbContextPool<CallTrackerDbContext>(options => Configure(options, dataSource));
        services.AddSingleton<EventWriter>();
        services.AddScoped<EventQueries>();
        services.AddSingleton<ReportQueries>();
        services.AddSingleton<Retention>();
        return services;
    }

    internal static void Configure(DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString).UseSnakeCaseNamingConvention();

    private static void Configure(DbContextOptionsBuilder options, NpgsqlDataSource dataSource) =>
        options.UseNpgsql(dataSource).UseSnakeCaseNamingConvention()
            // A failing command, connection, query or save also throws, and the exception is logged once
            // where it is handled; EF's own error lines would repeat it (four times per request during an
            // outage) and cry wolf on a first migration, whose history table is missing by design.
            .ConfigureWarnings(warnings => warnings.Log(
                (RelationalEventId.CommandError, LogLevel.Debug),
                (RelationalEventId.ConnectionError, LogLevel.Debug),
                (CoreEventId.QueryIterationFailed, LogLevel.Debug),
                (CoreEventId.SaveChangesFailed, LogLevel.Debug)));
}
