using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using CallTracker.Api.Security;

namespace CallTracker.Api.Tests.Infrastructure;

/// <summary>
/// A bounded load on <c>POST /api/v1/events</c>: a few clients, each posting one event at a time with its own
/// eventId, until stopped, out of posts or out of time. A client posts an event again until it is
/// acknowledged, as a CRM would, so that a 503 whose batch did commit comes back as a duplicate. Every answer
/// is kept, so that a test can hold what was acknowledged against the database afterwards.
/// </summary>
public sealed class IngestLoad : IAsyncDisposable
{
    /// <summary>Longer than any answer the rules allow: a request still open by then is a hang.</summary>
    public static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(5);

    // Shorter than the Retry-After the service asks for, which would make a fault test last minutes.
    private static readonly TimeSpan PauseAfterRefusal = TimeSpan.FromMilliseconds(50);

    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource stop;
    private readonly ConcurrentQueue<Answer> answers = new();
    private readonly ConcurrentDictionary<Guid, bool> acknowledged = new();
    private readonly ConcurrentQueue<Task> extraPosts = new();
    private readonly Uri address;
    private readonly string ingestKey;
    private readonly int maxPosts;
    private readonly Task[] clients;
    private int posts;

    private IngestLoad(Uri address, string ingestKey, int clients, int maxPosts, TimeSpan maxDuration)
    {
        this.maxPosts = maxPosts;
        stop = new CancellationTokenSource(maxDuration);
        this.address = address;
        this.ingestKey = ingestKey;
        this.clients = [.. Enumerable.Range(0, clients).Select(_ => Task.Run(PostUntilStoppedAsync))];
    }

    /// <summary>Time since the load started, the clock of every <see cref="Answer"/>.</summary>
    public TimeSpan Now => clock.Elapsed;

    public IReadOnlyList<Answer> Answers => [.. answers];

    /// <summary>Every eventId answered 2xx.</summary>
    public IReadOnlyList<Guid> Acknowledged => [.. acknowledged.Keys];

    /// <param name="maxPosts">Posts in all, retries included: the load's bound in count.</param>
    /// <param name="maxDuration">The load's bound in time, whatever the test does.</param>
    public static IngestLoad Start(
        Uri address, string ingestKey, int clients = 4, int maxPosts = 20_000, TimeSpan? maxDuration = null) =>
        new(address, ingestKey, clients, maxPosts, maxDuration ?? TimeSpan.FromSeconds(30));

    /// <summary>Waits, bounded, until <paramref name="count"/> answers match; false if they did not in time.</summary>
    public async Task<bool> WaitForAsync(Func<Answer, bool> match, int count, TimeSpan within)
    {
        var waited = Stopwatch.StartNew();
        while (answers.Count(match) < count)
        {
            if (waited.Elapsed > within || stop.IsCancellationRequested)
            {
                return false;
            }

            await Task.Delay(20);
        }

        return true;
    }

    /// <summary>What came back between two moments, for the test's output: answers by status, the slowest.</summary>
    public string Summary(TimeSpan from, TimeSpan to)
    {
        var between = answers.Where(answer => answer.Sent >= from && answer.Sent < to).ToList();
        var outcomes = between.GroupBy(answer => answer.Status?.ToString() ?? answer.Failure)
            .Select(group => $"{group.Key} x{group.Count()}");
        var slowest = between.Count == 0 ? 0 : between.Max(answer => answer.Elapsed.TotalMilliseconds);
        return $"{from.TotalSeconds:F2}-{to.TotalSeconds:F2} s: {string.Join(", ", outcomes)}; slowest {slowest:F0} ms";
    }

    /// <summary>
    /// One more post of a new event on a connection of its own, beside the clients, answered among the others;
    /// for a test that must reach the service while every client waits for an answer.
    /// </summary>
    public void PostOneMore() => extraPosts.Enqueue(Task.Run(async () =>
    {
        using var client = NewClient();
        Record(await PostAsync(client, Guid.NewGuid()));
    }));

    /// <summary>Stops the clients and waits for their last answers.</summary>
    public async Task StopAsync()
    {
        await stop.CancelAsync();
        await Task.WhenAll(clients);
        await Task.WhenAll(extraPosts);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        stop.Dispose();
    }

    private async Task PostUntilStoppedAsync()
    {
        using var client = NewClient();
        var eventId = Guid.NewGuid();

        while (!stop.IsCancellationRequested && Interlocked.Increment(ref posts) <= maxPosts)
        {
            var answer = await PostAsync(client, eventId);
            Record(answer);
            if (answer.IsAcknowledged)
            {
                eventId = Guid.NewGuid();
            }
            else
            {
                await Task.Delay(PauseAfterRefusal);
            }
        }
    }

    private HttpClient NewClient()
    {
        var client = new HttpClient { BaseAddress = address, Timeout = ClientTimeout };
        client.DefaultRequestHeaders.Add(Authentication.IngestKeyHeader, ingestKey);
        return client;
    }

    private void Record(Answer answer)
    {
        if (answer.IsAcknowledged)
        {
            acknowledged[answer.EventId] = true;
        }

        answers.Enqueue(answer);
    }

    private async Task<Answer> PostAsync(HttpClient client, Guid eventId)
    {
        var sent = clock.Elapsed;
        var body = new
        {
            eventId,
            occurredAt = DateTimeOffset.UtcNow.AddMinutes(-1),
            sipCode = 486,
            agent = "fault-test",
        };
        try
        {
            // Not the stop token: a request in flight when the load stops is still answered and recorded.
            using var response = await client.PostAsJsonAsync("/api/v1/events", body);
            return new Answer(eventId, sent, clock.Elapsed - sent, (int)response.StatusCode,
                response.Headers.RetryAfter?.ToString(), null);
        }
        catch (TaskCanceledException)
        {
            return new Answer(eventId, sent, clock.Elapsed - sent, null, null, "timeout");
        }
        catch (HttpRequestException failure)
        {
            // Refused or reset: the service is not there, and nothing was acknowledged.
            return new Answer(eventId, sent, clock.Elapsed - sent, null, null, failure.HttpRequestError.ToString());
        }
    }
}

/// <summary>One post and how it ended: a status, or no answer (a timeout, a refused connection).</summary>
/// <param name="Sent">When it was sent, on the load's clock.</param>
public sealed record Answer(
    Guid EventId, TimeSpan Sent, TimeSpan Elapsed, int? Status, string? RetryAfter, string? Failure)
{
    public TimeSpan Answered => Sent + Elapsed;

    public bool IsAcknowledged => Status is >= 200 and < 300;

    public bool IsTimeout => Failure == "timeout";

    /// <summary>Turned away: a 503, or no connection at all (refused, reset), but not a hang.</summary>
    public bool IsRefused => Status == 503 || (Failure is not null && !IsTimeout);
}
