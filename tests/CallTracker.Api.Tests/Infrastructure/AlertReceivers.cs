using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MimeKit;

namespace CallTracker.Api.Tests.Infrastructure;

/// <summary>
/// A real SMTP server for the test: Debian's aiosmtpd on a free loopback port, storing what it receives in a
/// Maildir of its own under /tmp. Debian's python (/usr/bin/python3) has it; .ci/run installs it when missing.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private readonly Process process;
    private readonly string maildir;

    private SmtpSink(Process process, string maildir, int port)
    {
        this.process = process;
        this.maildir = maildir;
        Port = port;
    }

    public int Port { get; }

    /// <param name="certificate">With <paramref name="implicitTls"/> false, the server requires STARTTLS with
    /// it; true, it speaks TLS from the first byte (port 465's way).</param>
    public static async Task<SmtpSink> StartAsync(TestCertificate? certificate = null, bool implicitTls = false)
    {
        var port = Loopback.FreePort();
        var maildir = Path.Combine(Path.GetTempPath(), $"calltracker-smtp-{Guid.NewGuid():N}");
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            ArgumentList =
            {
                "-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Mailbox", maildir,
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (certificate is not null)
        {
            var (cert, key) = implicitTls ? ("--smtpscert", "--smtpskey") : ("--tlscert", "--tlskey");
            foreach (var argument in new[] { cert, certificate.CertificatePath, key, certificate.KeyPath })
            {
                start.ArgumentList.Add(argument);
            }
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("aiosmtpd did not start");
        var sink = new SmtpSink(process, maildir, port);

        // At most ten seconds for the server to listen; it usually takes a few hundred milliseconds.
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (process.HasExited)
            {
                var error = await process.StandardError.ReadToEndAsync();
                throw new InvalidOperationException($"aiosmtpd exited: {error}");
            }

            if (await Loopback.AcceptsAsync(port))
            {
                return sink;
            }

            await Task.Delay(100);
        }

        await sink.DisposeAsync();
        throw new TimeoutException("aiosmtpd did not listen within ten seconds");
    }

    /// <summary>Every message delivered so far, read with MimeKit's parser.</summary>
    public IReadOnlyList<MimeMessage> Messages()
    {
        var delivered = Path.Combine(maildir, "new");
        return Directory.Exists(delivered)
            ? Directory.GetFiles(delivered).Select(file => MimeMessage.Load(file)).ToList()
            : [];
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }

        process.Dispose();
        if (Directory.Exists(maildir))
        {
            Directory.Delete(maildir, recursive: true);
        }
    }
}

/// <summary>
/// A self-signed certificate for 127.0.0.1 and localhost, as PEM files under /tmp: what an internal SMTP relay
/// with a private CA presents. Deleted with the object.
/// </summary>
public sealed class TestCertificate : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("calltracker-tls-").FullName;

    public TestCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=smtp.calltracker.test", key, HashAlgorithmName.SHA256,
            RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(
            DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(CertificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(KeyPath, key.ExportPkcs8PrivateKeyPem());
    }

    public string CertificatePath => Path.Combine(folder, "cert.pem");

    public string KeyPath => Path.Combine(folder, "key.pem");

    public void Dispose() => Directory.Delete(folder, recursive: true);
}

/// <summary>One request a <see cref="WebhookReceiver"/> got, and whether its signature held under the secret.</summary>
public sealed record ReceivedWebhook(
    string Path, string Body, string? UserAgent, string? Signature, bool SignatureValid);

/// <summary>
/// An HTTP receiver on a free loopback port, as a team's webhook endpoint would be: it checks the signature the
/// way the README tells receivers to, records each request when it arrives, then answers what the test says.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<ReceivedWebhook> received = new();

    private WebhookReceiver(WebApplication app) => this.app = app;

    public IReadOnlyList<ReceivedWebhook> Received => [.. received];

    public Uri Url(string path) => new(new Uri(BaseAddress), path);

    private string BaseAddress => app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
        .Features.Get<IServerAddressesFeature>()!.Addresses.Single();

    /// <param name="answer">The status to answer, once the request is recorded; 200 when not given.</param>
    public static async Task<WebhookReceiver> StartAsync(string? secret, Func<Task<int>>? answer = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);

        app.MapPost("/{**path}", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var signature = http.Request.Headers["X-CallTracker-Signature"].ToString();
            receiver.received.Enqueue(new ReceivedWebhook(
                http.Request.Path, body, http.Request.Headers.UserAgent.ToString(), signature,
                secret is not null && SignatureHolds(signature, body, secret)));

            return Results.StatusCode(answer is null ? 200 : await answer());
        });
        await app.StartAsync();
        return receiver;
    }

    /// <summary>What the README asks of a receiver: the HMAC matches, and the time is within five minutes.</summary>
    public static bool SignatureHolds(string header, string body, string secret)
    {
        var parts = header.Split(',').Select(part => part.Split('=', 2)).Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1]);
        if (!parts.TryGetValue("t", out var t) || !parts.TryGetValue("v1", out var v1)
            || !long.TryParse(t, out var unix))
        {
            return false;
        }

        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{body}"));
        var fresh = Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - unix) <= 300;
        var given = v1.Length == expected.Length * 2 && v1.All(Uri.IsHexDigit) ? Convert.FromHexString(v1) : [];
        return fresh && CryptographicOperations.FixedTimeEquals(expected, given);
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}

public static class Loopback
{
    /// <summary>A port nothing listens on, at least right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task<bool> AcceptsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port).WaitAsync(TimeSpan.FromSeconds(1));
            return true;
        }
        catch (Exception exception) when (exception is SocketException or TimeoutException)
        {
            return false;
        }
    }
}
