using System.Net;
using System.Net.Http.Headers;
using CallTracker.Api.Security;
using CallTracker.Storage;
using CallTracker.Storage.Entities;
using CallTracker.Storage.LocalServer;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CallTracker.Api.Tests.Infrastructure;

/// <summary>
/// One real PostgreSQL and one host for the whole run. The server is a throwaway one started from the
/// machine's binaries, or a database created for this run in the server named by
/// <c>CALLTRACKER_TEST_CONNECTION_STRING</c>. Tests stay independent by each making its own project.
/// </summary>
public sealed class ApiFixture : IAsyncLifetime
{
    public const string ConnectionStringVariable = "CALLTRACKER_TEST_CONNECTION_STRING";
    public const string BootstrapIngestKey = "0123456789abcdef0123456789abcdef";
    public const string BootstrapApiToken = "ctk_bootstrap-token-for-the-test-suite";

    private LocalPostgresServer? server;
    private string? externalDatabase;
    private string? externalServer;

    public string ConnectionString { get; private set; } = "";

    public WebApplicationFactory<Program> Factory { get; private set; } = null!;

    private WebApplicationFactory<Program>? kestrel;

    private WebApplicationFactory<Program>? fullNumbers;

    /// <summary>
    /// A reader for the project on the same service configured to show phone numbers in full
    /// (CallTracker:Phone:ShowInFull), started on first use: by default every number is masked.
    /// </summary>
    public HttpClient FullNumbersReader(TestProject project)
    {
        lock (this)
        {
            fullNumbers ??= Factory.WithWebHostBuilder(host => host.UseSetting("CallTracker:Phone:ShowInFull", "true"));
        }

        var client = fullNumbers.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", project.ApiToken);
        return client;
    }

    /// <summary>
    /// The same service on a real loopback port, started on first use, for clients that bring their own
    /// HTTP stack (the Sentry SDK): they then talk to it exactly as they would in production.
    /// </summary>
    public Uri KestrelAddress()
    {
        lock (this)
        {
            if (kestrel is null)
            {
                kestrel = Configure(new WebApplicationFactory<Program>());
                kestrel.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
                kestrel.StartServer();
            }
        }

        var addresses = kestrel.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        return new Uri(addresses.Addresses.First());
    }

    public async Task InitializeAsync()
    {
        ConnectionString = Environment.GetEnvironmentVariable(ConnectionStringVariable) is { Length: > 0 } given
            ? await CreateRunDatabaseAsync(given)
            : await StartThrowawayServerAsync();

        Factory = Configure(new WebApplicationFactory<Program>());

        // Building the host runs the migrations and the bootstrap, once, before any test.
        _ = Factory.Server;
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        if (fullNumbers is not null)
        {
            await fullNumbers.DisposeAsync();
        }

        if (kestrel is not null)
        {
            await kestrel.DisposeAsync();
        }

        NpgsqlConnection.ClearAllPools();

        if (server is not null)
        {
            await server.DisposeAsync();
        }

        if (externalServer is not null)
        {
            await using var connection = new NpgsqlConnection(externalServer);
            await connection.OpenAsync();
            var sql = $"DROP DATABASE IF EXISTS \"{externalDatabase}\" WITH (FORCE)";
            await using var drop = new NpgsqlCommand(sql, connection);
            await drop.ExecuteNonQueryAsync();
        }
    }

    /// <summary>Runs SQL against the suite's database, for a test that sets up what no endpoint can.</summary>
    public async Task ExecuteSqlAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The one number a query over the suite's database answers (a count).</summary>
    public async Task<long> CountSqlAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>A project of the test's own, with an ingest key and an API token, and clients for both.</summary>
    /// <summary>
    /// A new project with an ingest key and an API token, an admin one unless other scopes are given
    /// (admin reads and writes too, but sees phone numbers masked: that takes read:phone).
    /// </summary>
    public async Task<TestProject> CreateProjectAsync(string name = "test", params string[] scopes)
    {
        using var scope = Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CallTrackerDbContext>();
        var now = DateTimeOffset.UtcNow;

        var key = Secrets.NewIngestKey();
        var token = Secrets.NewApiToken();
        var project = new Project { Name = name, CreatedAt = now };
        project.IngestKeys.Add(new IngestKey { Key = key, CreatedAt = now });
        project.ApiTokens.Add(new ApiToken
        {
            Id = Guid.NewGuid(),
            Name = "test",
            TokenHash = Secrets.HashToken(token),
            Prefix = Secrets.Prefix(token),
            Scopes = scopes.Length > 0 ? scopes : [Scopes.Admin],
            CreatedAt = now,
        });
        db.Projects.Add(project);
        await db.SaveChangesAsync();

        var ingest = Factory.CreateClient();
        ingest.DefaultRequestHeaders.Add(Authentication.IngestKeyHeader, key);
        var read = Factory.CreateClient();
        read.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new TestProject(project.Id, key, token, ingest, read);
    }

    private WebApplicationFactory<Program> Configure(WebApplicationFactory<Program> factory) =>
        factory.WithWebHostBuilder(host => host
            .UseEnvironment("Testing")
            .UseSetting("ConnectionStrings:CallTracker", ConnectionString)
            .UseSetting("CallTracker:Bootstrap:IngestKey", BootstrapIngestKey)
            .UseSetting("CallTracker:Bootstrap:ApiToken", BootstrapApiToken)
            .UseSetting("CallTracker:Cors:AllowedOrigins:0", "https://crm.example.test")

            // Alert rounds are run by the tests that need them: every host of the suite shares one database,
            // and a host's timer would evaluate other tests' rules over counters that never saw their events.
            .UseSetting("CallTracker:Alerts:EvaluationInterval", "01:00:00"));

    private async Task<string> StartThrowawayServerAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"calltracker-tests-{Guid.NewGuid():N}");
        var options = new LocalPostgresOptions { Directory = directory, Ephemeral = true };
        server = await LocalPostgresServer.StartAsync(options);
        return server.ConnectionString;
    }

    private async Task<string> CreateRunDatabaseAsync(string given)
    {
        externalServer = given;
        externalDatabase = $"calltracker_test_{Guid.NewGuid():N}";
        await using var connection = new NpgsqlConnection(given);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{externalDatabase}\"", connection);
        await create.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(given) { Database = externalDatabase }.ConnectionString;
    }
}

/// <summary>Every integration test shares the one fixture; xunit runs the classes of a collection in turn.</summary>
[CollectionDefinition(Name)]
public sealed class ApiSuite : ICollectionFixture<ApiFixture>
{
    public const string Name = "api";
}

/// <param name="Ingest">Sends the project's ingest key.</param>
/// <param name="Read">Sends the project's API token.</param>
public sealed record TestProject(int Id, string IngestKey, string ApiToken, HttpClient Ingest, HttpClient Read);
