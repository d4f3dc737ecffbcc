using CallTracker.Api.Events;
using CallTracker.Api.Security;
using CallTracker.Storage;
using CallTracker.Storage.Entities;
using CallTracker.Storage.LocalServer;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CallTracker.Api.Hosting;

/// <summary>What happens to the database before the service takes its first request.</summary>
public static class DatabaseStartup
{
    public const string ConnectionStringName = "CallTracker";

    /// <summary>
    /// Without a connection string, outside Production, starts the service's own PostgreSQL server so
    /// that <c>dotnet run</c> works on a machine that merely has PostgreSQL installed.
    /// </summary>
    public static async Task<LocalPostgresServer?> EnsureDatabaseServerAsync(WebApplicationBuilder builder)
    {
        if (!string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(ConnectionStringName)))
        {
            return null;
        }

        if (builder.Environment.IsProduction())
        {
            throw new InvalidOperationException(
                "No database is configured. In Production set ConnectionStrings__CallTracker, e.g. " +
                "'Host=db;Database=calltracker;Username=calltracker;Password=...'. Outside Production the " +
                "service starts a private PostgreSQL server instead.");
        }

        var options = builder.Configuration.GetSection(CallTrackerOptions.Section).Get<CallTrackerOptions>() ?? new();
        var directory = options.LocalDatabase.Directory ?? LocalPostgresServer.DefaultDirectory();
        Console.WriteLine($"No connection string: starting a private PostgreSQL server in {directory}");

        var server = await LocalPostgresServer.StartAsync(new LocalPostgresOptions { Directory = directory });
        builder.Configuration[$"ConnectionStrings:{ConnectionStringName}"] = server.ConnectionString;
        return server;
    }

    /// <summary>Applies migrations (unless turned off) and creates the first project on an empty database.</summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CallTrackerDbContext>();
        var options = scope.ServiceProvider.GetRequiredService<IOptions<CallTrackerOptions>>().Value;
        var clock = scope.ServiceProvider.GetRequiredService<TimeProvider>();
        var logger = scope.ServiceProvider.GetRequiredService<ILogger<CallTrackerDbContext>>();

        await WaitForDatabaseAsync(
            scope.ServiceProvider.GetRequiredService<Npgsql.NpgsqlDataSource>(), options.Database.StartupWait, logger);

        if (options.Database.MigrateOnStartup)
        {
            await db.Database.MigrateAsync();
            logger.LogInformation("Database schema is up to date");
        }

        var enricher = scope.ServiceProvider.GetRequiredService<CallEventEnricher>();
        var writer = scope.ServiceProvider.GetRequiredService<EventWriter>();
        await OutcomeBackfill.RunAsync(db, enricher, writer, logger, CancellationToken.None);
        await IssueBackfill.RunAsync(db, enricher, writer, logger, CancellationToken.None);

        await BootstrapAsync(db, options.Bootstrap, clock.GetUtcNow(), logger);
    }

    /// <summary>
    /// On a VM or in a container, PostgreSQL may come up after the service: wait for it for a while,
    /// saying why, instead of exiting at the first refused connection.
    /// </summary>
    private static async Task WaitForDatabaseAsync(Npgsql.NpgsqlDataSource dataSource, TimeSpan wait, ILogger logger)
    {
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync();
                return;
            }
            catch (Exception exception)
                when (Http.Problems.IsDatabaseUnavailable(exception) && DateTime.UtcNow < deadline)
            {
                logger.LogWarning("Waiting for PostgreSQL: {Reason}", Http.Problems.SafeReason(exception));
                await Task.Delay(TimeSpan.FromSeconds(2));
            }
        }
    }

    /// <summary>
    /// Creates the first project on an empty database; on every start, makes sure a configured key and
    /// token exist, so that setting them again is how ops recover access.
    /// </summary>
    private static async Task BootstrapAsync(
        CallTrackerDbContext db, BootstrapOptions bootstrap, DateTimeOffset now, ILogger logger)
    {
        var configuredKey = bootstrap.IngestKey is { Length: > 0 } ? bootstrap.IngestKey : null;
        var configuredToken = bootstrap.ApiToken is { Length: > 0 } ? bootstrap.ApiToken : null;
        if (configuredKey is not null && !Secrets.IsValidIngestKey(configuredKey))
        {
            throw new InvalidOperationException(
                "CallTracker:Bootstrap:IngestKey must be 32 lowercase hex digits (it must fit in a Sentry DSN).");
        }

        if (configuredToken is not null && configuredToken.Length < Secrets.MinimumTokenLength)
        {
            throw new InvalidOperationException(
                $"CallTracker:Bootstrap:ApiToken must be at least {Secrets.MinimumTokenLength} characters.");
        }

        var project = await db.Projects.OrderBy(project => project.Id).FirstOrDefaultAsync();
        var created = project is null;
        if (project is null)
        {
            project = new Project { Name = bootstrap.ProjectName, CreatedAt = now };
            db.Projects.Add(project);
            await db.SaveChangesAsync();
        }

        var key = configuredKey ?? (created ? Secrets.NewIngestKey() : null);
        var token = configuredToken ?? (created ? Secrets.NewApiToken() : null);

        if (key is not null && !await db.IngestKeys.AnyAsync(existing => existing.Key == key))
        {
            db.IngestKeys.Add(new IngestKey { ProjectId = project.Id, Key = key, CreatedAt = now });
        }

        var hash = token is null ? null : Secrets.HashToken(token);
        if (token is not null && !await db.ApiTokens.AnyAsync(existing => existing.TokenHash == hash))
        {
            db.ApiTokens.Add(new ApiToken
            {
                ProjectId = project.Id,
                Id = Guid.NewGuid(),
                Name = "bootstrap",
                TokenHash = hash!,
                Prefix = Secrets.Prefix(token),

                // The installation's owner: the one token that can mint the first read:phone tokens.
                Scopes = [Scopes.Admin, Scopes.ReadPhone],
                CreatedAt = now,
            });
        }

        await db.SaveChangesAsync();

        if (created)
        {
            logger.LogInformation("Created project {ProjectId} on an empty database", project.Id);
            PrintCredentials(project, key!, token!, generatedKey: configuredKey is null,
                generatedToken: configuredToken is null);
        }
    }

    /// <summary>
    /// Written to the console directly, not through the log pipeline: logs are shipped and kept, and
    /// must never carry keys or tokens. Only generated secrets are shown; configured ones are known.
    /// </summary>
    private static void PrintCredentials(
        Project project, string key, string token, bool generatedKey, bool generatedToken)
    {
        if (!generatedKey && !generatedToken)
        {
            return;
        }

        Console.WriteLine();
        Console.WriteLine("================================================================================");
        Console.WriteLine($" CallTracker created project {project.Id} ('{project.Name}'). Shown once, keep them:");
        if (generatedKey)
        {
            Console.WriteLine($"   Ingest key (X-CallTracker-Key): {key}");
            Console.WriteLine($"   Sentry DSN: http://{key}@<this host:port>/{project.Id}");
        }

        if (generatedToken)
        {
            Console.WriteLine($"   API token (Authorization: Bearer): {token}");
        }

        Console.WriteLine(" Set CallTracker__Bootstrap__IngestKey / __ApiToken to choose them yourself.");
        Console.WriteLine("================================================================================");
        Console.WriteLine();
    }
}
