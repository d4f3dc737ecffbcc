using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;

namespace CallTracker.Api.Tests.Infrastructure;

/// <summary>A real Serilog sink that keeps what the service logged, for tests that read the log.</summary>
public sealed class LogCollector : ILogEventSink
{
    private readonly ConcurrentQueue<LogEvent> events = new();

    public IReadOnlyList<LogEvent> Events => [.. events];

    public void Emit(LogEvent logEvent) => events.Enqueue(logEvent);

    /// <summary>The request log lines (Serilog's "HTTP {Method} {Path} responded {StatusCode}") for a path.</summary>
    public IReadOnlyList<LogEvent> RequestsTo(string path) => Events
        .Where(logEvent => logEvent.Properties.TryGetValue("RequestPath", out var value)
            && value is ScalarValue { Value: string logged } && logged == path
            && logEvent.Properties.ContainsKey("StatusCode"))
        .ToList();

    public static int StatusOf(LogEvent logEvent) =>
        (int)((ScalarValue)logEvent.Properties["StatusCode"]).Value!;
}
