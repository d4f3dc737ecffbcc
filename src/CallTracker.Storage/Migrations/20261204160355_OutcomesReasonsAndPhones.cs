using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CallTracker.Storage.Migrations
{
    /// <inheritdoc />
    public partial class OutcomesReasonsAndPhones : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Rows stored before this migration keep outcome NULL here; OutcomeBackfill (CallTracker.Api)
            // fills them at start-up with the rules of CallTracker.Sip, which SQL would only copy badly.
            migrationBuilder.DropIndex(
                name: "ix_call_events_project_id_occurred_at_event_id",
                table: "call_events");

            migrationBuilder.AddColumn<string>(
                name: "outcome",
                table: "call_events",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "outcome_basis",
                table: "call_events",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "phone_carrier",
                table: "call_events",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "phone_converted",
                table: "call_events",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "phone_e164",
                table: "call_events",
                type: "character varying(20)",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "phone_extension",
                table: "call_events",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "phone_region",
                table: "call_events",
                type: "character varying(3)",
                maxLength: 3,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "phone_type",
                table: "call_events",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "phone_valid",
                table: "call_events",
                type: "boolean",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "q850_cause",
                table: "call_events",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "reasons",
                table: "call_events",
                type: "jsonb",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<int>(
                name: "retry_after_seconds",
                table: "call_events",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "sip_warnings",
                table: "call_events",
                type: "jsonb",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.CreateIndex(
                name: "ix_call_events_outcome_pending",
                table: "call_events",
                columns: new[] { "project_id", "event_id" },
                filter: "outcome IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_call_events_project_id_occurred_at_event_id",
                table: "call_events",
                columns: new[] { "project_id", "occurred_at", "event_id" },
                descending: new[] { false, true, true })
                .Annotation("Npgsql:IndexInclude", new[] { "response_class", "sip_code", "outcome" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_call_events_outcome_pending",
                table: "call_events");

            migrationBuilder.DropIndex(
                name: "ix_call_events_project_id_occurred_at_event_id",
                table: "call_events");

            migrationBuilder.DropColumn(
                name: "outcome",
                table: "call_events");

            migrationBuilder.DropColumn(
                name: "outcome_basis",
                table: "call_events");

            migrationBuilder.DropColumn(
                name: "phone_carrier",
                table: "call_events");

            migrationBuilder.DropColumn(
                name: "phone_converted",
                table: "call_events");

            migrationBuilder.DropColumn(
                name: "phone_e164",
                table: "call_events");

            migrationBuilder.DropColumn(
                name: "phone_extension",
                table: "call_events");

            migrationBuilder.DropColumn(
                name: "phone_region",
                table: "call_events");

            migrationBuilder.DropColumn(
                name: "phone_type",
                table: "call_events");

            migrationBuilder.DropColumn(
                name: "phone_valid",
                table: "call_events");

            migrationBuilder.DropColumn(
                name: "q850_cause",
                table: "call_events");

            migrationBuilder.DropColumn(
                name: "reasons",
                table: "call_events");

            migrationBuilder.DropColumn(
                name: "retry_after_seconds",
                table: "call_events");

            migrationBuilder.DropColumn(
                name: "sip_warnings",
                table: "call_events");

            migrationBuilder.CreateIndex(
                name: "ix_call_events_project_id_occurred_at_event_id",
                table: "call_events",
                columns: new[] { "project_id", "occurred_at", "event_id" },
                descending: new[] { false, true, true })
                .Annotation("Npgsql:IndexInclude", new[] { "response_class", "sip_code" });
        }
    }
}
