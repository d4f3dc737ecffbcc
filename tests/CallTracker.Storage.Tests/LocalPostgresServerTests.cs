using CallTracker.Storage.LocalServer;
using Npgsql;

namespace CallTracker.Storage.Tests;

/// <summary>The private PostgreSQL server that `dotnet run` and the tests start by themselves.</summary>
public sealed class LocalPostgresServerTests
{
    [Fact]
    public async Task StartAsync_InAKeptFolder_KeepsItsDataBetweenRuns()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"calltracker-kept-{Guid.NewGuid():N}");
        var options = new LocalPostgresOptions { Directory = directory };
        try
        {
            await using (var first = await LocalPostgresServer.StartAsync(options))
            {
                const string Create = "CREATE TABLE kept (value text); INSERT INTO kept VALUES ('x')";
                await ExecuteAsync(first.ConnectionString, Create);
            }

            await using var second = await LocalPostgresServer.StartAsync(options);
            var value = await ExecuteAsync(second.ConnectionString, "SELECT value FROM kept");

            Assert.Equal("x", value);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task StartAsync_Ephemeral_ListensOnLoopbackWithAPassword_AndDeletesItsFolderWhenDisposed()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"calltracker-ephemeral-{Guid.NewGuid():N}");

        var options = new LocalPostgresOptions { Directory = directory, Ephemeral = true };
        var server = await LocalPostgresServer.StartAsync(options);
        var settings = new NpgsqlConnectionStringBuilder(server.ConnectionString);
        var address = await ExecuteAsync(server.ConnectionString, "SELECT host(inet_server_addr())");
        var withoutPassword = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Password = null };
        var refused = await Assert.ThrowsAnyAsync<Exception>(
            () => ExecuteAsync(withoutPassword.ConnectionString, "SELECT 1"));
        await server.DisposeAsync();

        Assert.Equal("127.0.0.1", settings.Host);
        Assert.Equal("127.0.0.1", address);
        Assert.NotNull(refused);
        Assert.False(Directory.Exists(directory));
    }

    [Fact]
    public async Task StopAsync_ThenStartAgainAsync_RefusesMeanwhile_AndComesBackOnTheSamePortWithItsData()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"calltracker-restart-{Guid.NewGuid():N}");
        await using var server = await LocalPostgresServer.StartAsync(
            new LocalPostgresOptions { Directory = directory, Ephemeral = true });
        var unpooled = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Pooling = false }.ConnectionString;
        await ExecuteAsync(unpooled, "CREATE TABLE kept (value text); INSERT INTO kept VALUES ('x')");

        await server.StopAsync();
        var whileStopped = await Assert.ThrowsAnyAsync<NpgsqlException>(() => ExecuteAsync(unpooled, "SELECT 1"));
        await server.StartAgainAsync();
        var value = await ExecuteAsync(unpooled, "SELECT value FROM kept");

        Assert.NotNull(whileStopped);
        Assert.Equal("x", value);
    }

    [Fact]
    public void FirstWithServerPrograms_WhenNoFolderHasThem_SaysHowToInstallPostgres()
    {
        var empty = Directory.CreateTempSubdirectory("calltracker-no-pg-").FullName;

        var error = Assert.Throws<InvalidOperationException>(() => PostgresBinaries.FirstWithServerPrograms([empty]));

        Assert.Contains("apt-get install postgresql", error.Message, StringComparison.Ordinal);
        Directory.Delete(empty);
    }

    private static async Task<string?> ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (await command.ExecuteScalarAsync())?.ToString();
    }
}
