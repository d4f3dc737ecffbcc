using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CallTracker.Storage.Migrations
{
    /// <inheritdoc />
    public partial class RollupGrainsAndSets : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "pk_call_rollups",
                table: "call_rollups");

            migrationBuilder.RenameColumn(
                name: "hour",
                table: "call_rollups",
                newName: "period_start");

            migrationBuilder.AddColumn<string>(
                name: "grain",
                table: "call_rollups",
                type: "character varying(1)",
                maxLength: 1,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<short>(
                name: "dimension_set",
                table: "call_rollups",
                type: "smallint",
                nullable: false,
                defaultValue: (short)0);

            // The one wide set of hourly rows is replaced by the grains and sets, counted again from the events.
            migrationBuilder.Sql("DELETE FROM call_rollups;");

            migrationBuilder.AddPrimaryKey(
                name: "pk_call_rollups",
                table: "call_rollups",
                columns: new[] { "project_id", "grain", "dimension_set", "period_start", "response_class", "sip_code", "local_cause", "q850_cause", "outcome", "agent", "trunk", "country", "carrier" });

            migrationBuilder.Sql("""
                INSERT INTO call_rollups (
                    project_id, grain, dimension_set, period_start, response_class, sip_code, local_cause,
                    q850_cause, outcome, agent, trunk, country, carrier, count)
                SELECT project_id, grain, dimension_set,
                    date_trunc(CASE grain WHEN 'h' THEN 'hour' ELSE 'day' END, occurred_at, 'UTC'),
                    response_class, coalesce(sip_code, 0),
                    CASE WHEN sip_code IS NULL THEN coalesce(local_cause, 'unknown') ELSE '' END,
                    CASE WHEN dimension_set = 0 THEN coalesce(q850_cause, 0) ELSE 0 END,
                    coalesce(outcome, 'unknown'),
                    CASE WHEN dimension_set = 1 THEN coalesce(agent, '') ELSE '' END,
                    CASE WHEN dimension_set = 2 THEN coalesce(trunk, '') ELSE '' END,
                    CASE WHEN dimension_set = 3 THEN coalesce(phone_region, '') ELSE '' END,
                    CASE WHEN dimension_set = 3 THEN coalesce(phone_carrier, '') ELSE '' END,
                    count(*)
                FROM call_events
                    CROSS JOIN (VALUES ('h'), ('d')) AS grains (grain)
                    CROSS JOIN (VALUES (0::smallint), (1::smallint), (2::smallint), (3::smallint)) AS sets (dimension_set)
                GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "pk_call_rollups",
                table: "call_rollups");

            migrationBuilder.DropColumn(
                name: "grain",
                table: "call_rollups");

            migrationBuilder.DropColumn(
                name: "dimension_set",
                table: "call_rollups");

            migrationBuilder.RenameColumn(
                name: "period_start",
                table: "call_rollups",
                newName: "hour");

            migrationBuilder.AddPrimaryKey(
                name: "pk_call_rollups",
                table: "call_rollups",
                columns: new[] { "project_id", "hour", "response_class", "sip_code", "local_cause", "q850_cause", "outcome", "agent", "trunk", "country", "carrier" });
        }
    }
}
