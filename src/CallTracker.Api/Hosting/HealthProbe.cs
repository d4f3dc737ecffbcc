namespace CallTracker.Api.Hosting;

/// <summary>
/// <c>dotnet CallTracker.Api.dll --healthcheck</c>: asks the running service whether it is ready and
/// exits 0 or 1. Container health checks use it because the runtime image has no curl or wget.
/// </summary>
public static class HealthProbe
{
    public const string Argument = "--healthcheck";

    public static async Task<int> RunAsync()
    {
        var ports = Environment.GetEnvironmentVariable("ASPNETCORE_HTTP_PORTS") ?? "8080";
        var port = ports.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries)[0].Trim();

        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        try
        {
            using var response = await client.GetAsync(new Uri($"http://127.0.0.1:{port}/health/ready"));
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            await Console.Error.WriteLineAsync($"Not ready: {exception.Message}");
            return 1;
        }
    }
}
