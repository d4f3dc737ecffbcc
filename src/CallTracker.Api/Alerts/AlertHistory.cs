using CallTracker.Api.Alerts.Delivery;
using CallTracker.Storage.Entities;
using Npgsql;
using NpgsqlTypes;
using StoredDelivery = CallTracker.Storage.Entities.AlertDelivery;

namespace CallTracker.Api.Alerts;

/// <summary>
/// Records each delivery attempt in its alert's history row, so that GET .../alerts shows what was sent and
/// what failed. One UPDATE per report, replacing the delivery's entry inside the jsonb array: the row lock
/// orders the reports of one alert's deliveries, which finish concurrently, so none is lost.
/// </summary>
public static class AlertHistory
{
    private const string Sql = """
        UPDATE alerts SET deliveries = (
            SELECT coalesce(jsonb_agg(CASE WHEN delivery->>'channel' = $3 AND delivery->>'target' = $4
                THEN $5 ELSE delivery END ORDER BY position), '[]'::jsonb)
            FROM jsonb_array_elements(deliveries) WITH ORDINALITY AS entry (delivery, position))
        WHERE project_id = $1 AND id = $2
        """;

    public static DeliveryReporter Reporter(NpgsqlDataSource dataSource) => async (report, cancellationToken) =>
    {
        var status = report.Status switch
        {
            DeliveryStatus.Sent => "sent",
            DeliveryStatus.Failed => "failed",
            _ => "pending",
        };
        var entry = new StoredDelivery(report.Channel, report.Target, status, report.Attempts, report.LastError,
            report.Status == DeliveryStatus.Sent ? report.At : null);

        await using var command = dataSource.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter { Value = report.ProjectId });
        command.Parameters.Add(new NpgsqlParameter { Value = report.AlertId });
        command.Parameters.Add(new NpgsqlParameter { Value = report.Channel });
        command.Parameters.Add(new NpgsqlParameter { Value = report.Target });
        command.Parameters.Add(
            new NpgsqlParameter { Value = AlertJson.Write(entry), NpgsqlDbType = NpgsqlDbType.Jsonb });
        await command.ExecuteNonQueryAsync(cancellationToken);
    };
}
