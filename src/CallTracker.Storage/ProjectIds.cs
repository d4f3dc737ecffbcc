using Npgsql;

namespace CallTracker.Storage;

/// <summary>Every project's id, for background work over all of them (retention, alert counters).</summary>
public static class ProjectIds
{
    public static async Task<List<int>> AllAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT id FROM projects ORDER BY id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var ids = new List<int>();
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetInt32(0));
        }

        return ids;
    }
}
