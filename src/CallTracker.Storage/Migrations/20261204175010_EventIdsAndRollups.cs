using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CallTracker.Storage.Migrations
{
    /// <inheritdoc />
    public partial class EventIdsAndRollups : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "pk_error_events",
                table: "error_events");

            migrationBuilder.DropIndex(
                name: "ix_error_events_project_id_occurred_at_event_id",
                table: "error_events");

            migrationBuilder.DropPrimaryKey(
                name: "pk_call_events",
                table: "call_events");

            migrationBuilder.DropIndex(
                name: "ix_call_events_project_id_occurred_at_event_id",
                table: "call_events");

            migrationBuilder.AddPrimaryKey(
                name: "pk_error_events",
                table: "error_events",
                columns: new[] { "project_id", "occurred_at", "event_id" });

            migrationBuilder.AddPrimaryKey(
                name: "pk_call_events",
                table: "call_events",
                columns: new[] { "project_id", "occurred_at", "event_id" });

            migrationBuilder.CreateTable(
                name: "call_rollups",
                columns: table => new
                {
                    project_id = table.Column<int>(type: "integer", nullable: false),
                    hour = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    response_class = table.Column<string>(type: "character varying(4)", maxLength: 4, nullable: false),
                    sip_code = table.Column<int>(type: "integer", nullable: false),
                    local_cause = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    q850_cause = table.Column<int>(type: "integer", nullable: false),
                    outcome = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    agent = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    trunk = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    country = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    carrier = table.Column<string>(type: "text", nullable: false),
                    count = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_call_rollups", x => new { x.project_id, x.hour, x.response_class, x.sip_code, x.local_cause, x.q850_cause, x.outcome, x.agent, x.trunk, x.country, x.carrier });
                    table.ForeignKey(
                        name: "fk_call_rollups_projects_project_id",
                        column: x => x.project_id,
                        principalTable: "projects",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "event_ids",
                columns: table => new
                {
                    project_id = table.Column<int>(type: "integer", nullable: false),
                    event_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_event_ids", x => new { x.project_id, x.event_id });
                    table.ForeignKey(
                        name: "fk_event_ids_projects_project_id",
                        column: x => x.project_id,
                        principalTable: "projects",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_error_events_project_id_event_id",
                table: "error_events",
                columns: new[] { "project_id", "event_id" });

            migrationBuilder.CreateIndex(
                name: "ix_call_events_project_id_event_id",
                table: "call_events",
                columns: new[] { "project_id", "event_id" });

            // Events stored before this migration: their ids are claimed, and they are counted into the
            // rollups, so that reports read the same numbers before and after. (Plain SQL is enough here:
            // every value comes from a column.)
            migrationBuilder.Sql("""
                INSERT INTO event_ids (project_id, event_id, kind)
                SELECT project_id, event_id, 'call' FROM call_events
                UNION ALL
                SELECT project_id, event_id, 'error' FROM error_events
                ON CONFLICT DO NOTHING;

                INSERT INTO call_rollups (
                    project_id, hour, response_class, sip_code, local_cause, q850_cause, outcome, agent, trunk,
                    country, carrier, count)
                SELECT project_id, date_trunc('hour', occurred_at, 'UTC'), response_class, coalesce(sip_code, 0),
                    CASE WHEN sip_code IS NULL THEN coalesce(local_cause, 'unknown') ELSE '' END,
                    coalesce(q850_cause, 0), coalesce(outcome, 'unknown'), coalesce(agent, ''), coalesce(trunk, ''),
                    coalesce(phone_region, ''), coalesce(phone_carrier, ''), count(*)
                FROM call_events
                GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "call_rollups");

            migrationBuilder.DropTable(
                name: "event_ids");

            migrationBuilder.DropPrimaryKey(
                name: "pk_error_events",
                table: "error_events");

            migrationBuilder.DropIndex(
                name: "ix_error_events_project_id_event_id",
                table: "error_events");

            migrationBuilder.DropPrimaryKey(
                name: "pk_call_events",
                table: "call_events");

            migrationBuilder.DropIndex(
                name: "ix_call_events_project_id_event_id",
                table: "call_events");

            migrationBuilder.AddPrimaryKey(
                name: "pk_error_events",
                table: "error_events",
                columns: new[] { "project_id", "event_id" });

            migrationBuilder.AddPrimaryKey(
                name: "pk_call_events",
                table: "call_events",
                columns: new[] { "project_id", "event_id" });

            migrationBuilder.CreateIndex(
                name: "ix_error_events_project_id_occurred_at_event_id",
                table: "error_events",
                columns: new[] { "project_id", "occurred_at", "event_id" },
                descending: new[] { false, true, true });

            migrationBuilder.CreateIndex(
                name: "ix_call_events_project_id_occurred_at_event_id",
                table: "call_events",
                columns: new[] { "project_id", "occurred_at", "event_id" },
                descending: new[] { false, true, true })
                .Annotation("Npgsql:IndexInclude", new[] { "response_class", "sip_code", "outcome" });
        }
    }
}
