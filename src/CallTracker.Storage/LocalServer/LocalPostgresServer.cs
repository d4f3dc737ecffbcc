using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Npgsql;

namespace CallTracker.Storage.LocalServer;

/// <summary>Where and how to run a private PostgreSQL server.</summary>
public sealed record LocalPostgresOptions
{
    /// <summary>The folder that holds the cluster, its password and its log.</summary>
    public required string Directory { get; init; }

    /// <summary>A throwaway server (tests): durability off for speed, folder deleted when stopped.</summary>
    public bool Ephemeral { get; init; }

    public string Database { get; init; } = "calltracker";

    public string? BinDirectory { get; init; }

    /// <summary>The account that runs the server when this process runs as root.</summary>
    public string RunAsUser { get; init; } = "postgres";
}

/// <summary>
/// A PostgreSQL server started from the machine's own binaries, on 127.0.0.1 and a free port, so
/// that a fresh machine with PostgreSQL installed needs no setup to run the service or its tests.
/// </summary>
/// <remarks>
/// PostgreSQL refuses to run as root. As root, every step runs through <c>runuser</c> as an
/// unprivileged account, which must be able to reach the folder: each folder above it must be
/// searchable by that account (which is why the default under root is /var/lib, not /root).
/// </remarks>
public sealed partial class LocalPostgresServer : IAsyncDisposable
{
    private const string Superuser = "calltracker";
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(90);

    private readonly LocalPostgresOptions options;
    private readonly string binDirectory;
    private readonly string? runAs;

    private LocalPostgresServer(LocalPostgresOptions options, string binDirectory, string? runAs)
    {
        this.options = options;
        this.binDirectory = binDirectory;
        this.runAs = runAs;
    }

    public string ConnectionString { get; private set; } = "";

    private int? port;

    private string DataDirectory => Path.Combine(options.Directory, "data");

    private string PasswordFile => Path.Combine(options.Directory, "superuser-password");

    private string LogFile => Path.Combine(options.Directory, "postgres.log");

    /// <summary>The default folder of the service's own server: kept between runs, reachable when root.</summary>
    public static string DefaultDirectory()
    {
        if (IsRoot())
        {
            return "/var/lib/calltracker/postgres";
        }

        var dataHome = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        if (string.IsNullOrEmpty(dataHome))
        {
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            dataHome = Path.Combine(home, ".local", "share");
        }

        return Path.Combine(dataHome, "calltracker", "postgres");
    }

    public static async Task<LocalPostgresServer> StartAsync(
        LocalPostgresOptions options, CancellationToken cancellationToken = default)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException(
                "The private PostgreSQL server runs on Linux and macOS; on Windows set " +
                "ConnectionStrings__CallTracker.");
        }

        var binDirectory = PostgresBinaries.Locate(options.BinDirectory);
        var runAs = IsRoot() ? options.RunAsUser : null;
        var server = new LocalPostgresServer(options, binDirectory, runAs);

        await server.PrepareDirectoryAsync(cancellationToken);
        var password = await server.InitializeClusterAsync(cancellationToken);
        var port = await server.StartServerAsync(cancellationToken);

        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = Superuser,
            Password = password,
            Database = options.Database,
        };
        server.ConnectionString = builder.ConnectionString;
        await CreateDatabaseAsync(builder, cancellationToken);
        return server;
    }

    private Task? stopping;

    /// <summary>Stops the server (and deletes an ephemeral one's folder); callers at once share one stop.</summary>
    public ValueTask DisposeAsync()
    {
        lock (this)
        {
            stopping ??= ShutDownAsync();
        }

        return new ValueTask(stopping);
    }

    /// <summary>
    /// Stops the server as an operator's fast shutdown does (open sessions are ended, their transactions
    /// rolled back) and keeps its folder, so that <see cref="StartAgainAsync"/> can bring the same data back.
    /// The fault tests use it for a database outage under load.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default) =>
        await RunPostgresToolAsync("pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "stop"], cancellationToken);

    /// <summary>Starts a server stopped by <see cref="StopAsync"/> again, on the same port and data.</summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken = default) =>
        await StartServerAsync(cancellationToken);

    private async Task ShutDownAsync()
    {
        // A server that already stopped (Ctrl+C reaches it too) makes pg_ctl fail: nothing to do then.
        await RunPostgresToolAsync("pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "stop"], CancellationToken.None,
            throwOnFailure: false);

        if (options.Ephemeral)
        {
            NpgsqlConnection.ClearAllPools();
            System.IO.Directory.Delete(options.Directory, recursive: true);
        }
    }

    private async Task PrepareDirectoryAsync(CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(options.Directory);
        if (runAs is null)
        {
            return;
        }

        await PostgresBinaries.RunAsync("chown", [$"{runAs}:", options.Directory], StepTimeout, cancellationToken);
        var (reachable, _) = await PostgresBinaries.TryRunAsync(
            RunUser, ["-u", runAs, "--", "test", "-w", options.Directory], StepTimeout, cancellationToken);
        if (reachable != 0)
        {
            throw new InvalidOperationException(
                $"The PostgreSQL folder '{options.Directory}' is not reachable by the '{runAs}' account, which " +
                "runs the server because PostgreSQL refuses to run as root. Every folder above it must be " +
                "searchable by that account (chmod o+x), or choose a folder under /var/lib or /tmp with " +
                "CallTracker__LocalDatabase__Directory.");
        }
    }

    /// <summary>Creates the cluster on first use; returns the superuser's password either way.</summary>
    private async Task<string> InitializeClusterAsync(CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(DataDirectory, "PG_VERSION")) && File.Exists(PasswordFile))
        {
            return (await File.ReadAllTextAsync(PasswordFile, cancellationToken)).Trim();
        }

        if (System.IO.Directory.Exists(DataDirectory))
        {
            // A half-made cluster from an interrupted first start: nothing in it is worth keeping.
            System.IO.Directory.Delete(DataDirectory, recursive: true);
        }

        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var initdbPasswordFile = Path.Combine(options.Directory, "initdb-password");
        await WritePrivateFileAsync(initdbPasswordFile, password, cancellationToken);
        if (runAs is not null)
        {
            await PostgresBinaries.RunAsync("chown", [$"{runAs}:", initdbPasswordFile], StepTimeout, cancellationToken);
        }

        try
        {
            await RunPostgresToolAsync("initdb", [
                "-D", DataDirectory, "-U", Superuser, "--pwfile", initdbPasswordFile,
                "--auth", "scram-sha-256", "-E", "UTF8", "--no-locale", "--no-sync"], cancellationToken);
        }
        finally
        {
            File.Delete(initdbPasswordFile);
        }

        await WritePrivateFileAsync(PasswordFile, password, cancellationToken);
        return password;
    }

    private async Task<int> StartServerAsync(CancellationToken cancellationToken)
    {
        var (status, _) = await RunPostgresToolAsync("pg_ctl", ["-D", DataDirectory, "status"], cancellationToken,
            throwOnFailure: false);
        if (status == 0 && ReadRunningPort() is { } runningPort)
        {
            port = runningPort;
            return runningPort;
        }

        // Once chosen, the port is kept: a server started again must be found where its clients look.
        port ??= FreeLoopbackPort();
        var settings = $"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''";
        if (options.Ephemeral)
        {
            settings += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
        }

        await RunPostgresToolAsync("pg_ctl",
            ["-D", DataDirectory, "-l", LogFile, "-o", settings, "-w", "-t", "60", "start"], cancellationToken);
        return port.Value;
    }

    private static async Task CreateDatabaseAsync(
        NpgsqlConnectionStringBuilder target, CancellationToken cancellationToken)
    {
        var maintenance = new NpgsqlConnectionStringBuilder(target.ConnectionString) { Database = "postgres" };
        await using var connection = new NpgsqlConnection(maintenance.ConnectionString);
        await connection.OpenAsync(cancellationToken);

        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection);
        exists.Parameters.Add(new NpgsqlParameter { Value = target.Database });
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            // Identifiers cannot be parameters; the name comes from our own options, quoted anyway.
            var quoted = "\"" + target.Database!.Replace("\"", "\"\"") + "\"";
            await using var create = new NpgsqlCommand($"CREATE DATABASE {quoted}", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private int? ReadRunningPort()
    {
        // postmaster.pid's fourth line is the port (PostgreSQL's documented file layout).
        var pidFile = Path.Combine(DataDirectory, "postmaster.pid");
        var lines = File.Exists(pidFile) ? File.ReadAllLines(pidFile) : [];
        return lines.Length > 3 && int.TryParse(lines[3], out var port) ? port : null;
    }

    private Task<(int ExitCode, string Output)> RunPostgresToolAsync(
        string tool, IReadOnlyList<string> arguments, CancellationToken cancellationToken, bool throwOnFailure = true)
    {
        var program = Path.Combine(binDirectory, tool);
        IReadOnlyList<string> command = runAs is null ? arguments : ["-u", runAs, "--", program, .. arguments];
        var executable = runAs is null ? program : RunUser;

        return throwOnFailure
            ? RunOrThrowAsync(executable, command, cancellationToken)
            : PostgresBinaries.TryRunAsync(executable, command, StepTimeout, cancellationToken);
    }

    private static async Task<(int, string)> RunOrThrowAsync(
        string executable, IReadOnlyList<string> command, CancellationToken cancellationToken) =>
        (0, await PostgresBinaries.RunAsync(executable, command, StepTimeout, cancellationToken));

    private static async Task WritePrivateFileAsync(string path, string content, CancellationToken cancellationToken)
    {
        await File.WriteAllTextAsync(path, content, cancellationToken);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static readonly string[] RunUserPaths = ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"];

    private static string RunUser =>
        RunUserPaths.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException(
            "Running as root needs 'runuser' (util-linux) to start PostgreSQL as an unprivileged account.");

    private static bool IsRoot() => !OperatingSystem.IsWindows() && GetEffectiveUserId() == 0;

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();
}
