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
        services.AddDbContext<CallTrackerDbContext>(options => Configure(options, dataSource));
        services.AddScoped<EventWriter>();
        services.AddScoped<EventQueries>();
        return services;
    }

    internal static void Configure(DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString).UseSnakeCaseNamingConvention();

    private static void Configure(DbContextOptionsBuilder options, NpgsqlDataSource dataSource) =>
        options.UseNpgsql(dataSource).UseSnakeCaseNamingConvention()
            // A failing command also throws, and the exception is logged where it is handled; EF's own
            // error line would add noise, such as the missing history table on a first migration.
            .ConfigureWarnings(warnings => warnings.Log((RelationalEventId.CommandError, LogLevel.Debug)));
}
