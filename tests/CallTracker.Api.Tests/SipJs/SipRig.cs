using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using CallTracker.Api.Tests.Infrastructure;
using CallTracker.Storage.LocalServer;

namespace CallTracker.Api.Tests.SipJs;

/// <summary>One SIPp peer to start: its scenario and how many calls it takes before it exits.</summary>
public sealed record SippPeer(string Name, string Scenario, int Calls);

/// <summary>
/// Everything a SIP.js call of the test meets on its way: Kamailio listening on a WebSocket, one SIPp per
/// scenario on a UDP port that is also the number dialled to reach it, and CallTracker (with a PostgreSQL of
/// its own) that the reporter posts to. Every port is chosen free at start; dispose ends every process.
/// </summary>
public sealed class SipRig : IAsyncDisposable
{
    private static readonly TimeSpan ListeningWithin = TimeSpan.FromSeconds(15);

    /// <summary>Longer than any call of the test; a peer still running then is killed at dispose anyway.</summary>
    private static readonly TimeSpan PeerLifetime = TimeSpan.FromSeconds(120);

    private readonly string folder;
    private readonly List<ToolProcess> tools = [];
    private LocalPostgresServer? database;
    private ServiceProcess? service;

    private SipRig(string folder)
    {
        this.folder = folder;
    }

    /// <summary>The address SIP.js connects to.</summary>
    public Uri WebSocket { get; private set; } = null!;

    public ServiceProcess Service => service!;

    /// <summary>Each peer's port by its name: the user part to dial.</summary>
    public IReadOnlyDictionary<string, int> Numbers { get; private set; } = new Dictionary<string, int>();

    /// <summary>The last lines of Kamailio, of every peer and its unexpected messages, for a failure message.</summary>
    public string Tails()
    {
        var peerErrors = Directory.EnumerateFiles(folder, "*.errors.log").Order()
            .Select(file => $"--- {Path.GetFileName(file)}\n{string.Join('\n', File.ReadLines(file).TakeLast(40))}");
        return string.Join('\n', tools.Select(tool => tool.Tail(120)).Concat(peerErrors)
            .Append($"--- CallTracker\n{service?.OutputTail}"));
    }

    /// <param name="silentPeer">The peer that never answers: the proxy sends it no 100 Trying of its own.</param>
    public static async Task<SipRig> StartAsync(IReadOnlyList<SippPeer> peers, string silentPeer)
    {
        var rig = new SipRig(Directory.CreateTempSubdirectory("calltracker-sipjs-").FullName);
        try
        {
            var startingService = rig.StartServiceAsync();

            // Every UDP port at once, Kamailio's included, so that none is handed out twice: a probe socket closed
            // before the next is opened lets the kernel give the same port again, and the peer that gets there
            // second cannot bind (a call to it then waits for Kamailio's timer and comes back a 408).
            var ports = FreeUdpPorts(peers.Count + 1);
            rig.Numbers = peers.Select((peer, index) => (peer.Name, Port: ports[index]))
                .ToDictionary(pair => pair.Name, pair => pair.Port);
            foreach (var peer in peers)
            {
                rig.StartPeer(peer, rig.Numbers[peer.Name]);
            }

            await rig.StartKamailioAsync(ports[^1], rig.Numbers[silentPeer]);
            foreach (var peer in peers)
            {
                await rig.WaitUntilBoundAsync(peer.Name, rig.Numbers[peer.Name]);
            }

            await startingService;
            return rig;
        }
        catch
        {
            await rig.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var tool in tools)
        {
            await tool.DisposeAsync();
        }

        if (service is not null)
        {
            await service.DisposeAsync();
        }

        if (database is not null)
        {
            await database.DisposeAsync();
        }

        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A log still open by a process on its way out; the folder is under /tmp.
        }
    }

    private async Task StartServiceAsync()
    {
        // Beside the rig's folder, not in it: that one is private to the test's user, and as root PostgreSQL runs
        // as the postgres account.
        var directory = Path.Combine(Path.GetTempPath(), $"calltracker-sipjs-{Guid.NewGuid():N}");
        var options = new LocalPostgresOptions { Directory = directory, Ephemeral = true };
        database = await LocalPostgresServer.StartAsync(options);
        service = await ServiceProcess.StartAsync(database.ConnectionString);
    }

    private void StartPeer(SippPeer peer, int port)
    {
        var scenario = Path.Combine(folder, $"{peer.Name}.xml");
        File.WriteAllText(scenario, peer.Scenario);
        tools.Add(ToolProcess.Start($"sipp {peer.Name} on {port}", SipTools.Sipp, [
            "-sf", scenario, "-i", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture),
            "-m", peer.Calls.ToString(CultureInfo.InvariantCulture), "-nostdin",
            "-timeout", ((int)PeerLifetime.TotalSeconds).ToString(CultureInfo.InvariantCulture),
            "-trace_err", "-error_file", Path.Combine(folder, $"{peer.Name}.errors.log"),
        ], folder, stdoutIsScreen: true));
    }

    private async Task StartKamailioAsync(int udpPort, int silentNumber)
    {
        var wsPort = FreeTcpPort();
        var template = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "SipJs", "kamailio.cfg"));
        var config = Path.Combine(folder, "kamailio.cfg");
        await File.WriteAllTextAsync(config, template
            .Replace("@UDP_PORT@", udpPort.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("@WS_PORT@", wsPort.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("@SILENT_NUMBER@", silentNumber.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));

        // -DD: in the foreground (its children still fork); -E: the log on stderr, kept for failure messages;
        // -Y: its runtime files in the test's folder rather than /run/kamailio, which a normal user cannot write.
        var runtime = Directory.CreateDirectory(Path.Combine(folder, "kamailio-run")).FullName;
        var kamailio = ToolProcess.Start("kamailio", SipTools.Kamailio,
            ["-DD", "-E", "-f", config, "-Y", runtime, "-w", folder, "-m", "64", "-M", "8"], folder);
        tools.Add(kamailio);
        WebSocket = new Uri($"ws://127.0.0.1:{wsPort}");

        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < ListeningWithin)
        {
            if (kamailio.HasExited)
            {
                throw new InvalidOperationException($"Kamailio exited at start:\n{kamailio.Tail(60)}");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, wsPort);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        throw new TimeoutException(
            $"Kamailio did not listen within {ListeningWithin.TotalSeconds} s:\n{kamailio.Tail(60)}");
    }

    /// <summary>
    /// A peer is ready when the kernel lists its socket: SIPp says nothing when it is, and binding the port to
    /// see whether it is taken could take it from a SIPp about to bind it.
    /// </summary>
    private async Task WaitUntilBoundAsync(string name, int port)
    {
        var local = $"0100007F:{port:X4}";
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < ListeningWithin)
        {
            var sockets = await File.ReadAllLinesAsync("/proc/net/udp");
            var bound = sockets.Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Any(columns => columns.ElementAtOrDefault(1) == local);
            if (bound)
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"SIPp {name} did not bind 127.0.0.1:{port}:\n{Tails()}");
    }

    /// <summary>Distinct free loopback UDP ports: every probe socket is held until all are chosen.</summary>
    private static List<int> FreeUdpPorts(int count)
    {
        var probes = Enumerable.Range(0, count).Select(_ => new UdpClient(new IPEndPoint(IPAddress.Loopback, 0)))
            .ToList();
        try
        {
            return probes.Select(probe => ((IPEndPoint)probe.Client.LocalEndPoint!).Port).ToList();
        }
        finally
        {
            probes.ForEach(probe => probe.Dispose());
        }
    }

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
