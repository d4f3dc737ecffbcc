using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CallTracker.Storage.Migrations
{
    /// <inheritdoc />
    public partial class ErrorIssuesAndReportIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "customer_behaviour_regresses",
                table: "projects",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AlterColumn<string>(
                name: "response_class",
                table: "issues",
                type: "character varying(4)",
                maxLength: 4,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "character varying(4)",
                oldMaxLength: 4);

            migrationBuilder.AlterColumn<string>(
                name: "outcome",
                table: "issues",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "character varying(32)",
                oldMaxLength: 32);

            migrationBuilder.AddColumn<string>(
                name: "kind",
                table: "issues",
                type: "character varying(8)",
                maxLength: 8,
                nullable: false,
                defaultValue: "call");

            migrationBuilder.AddColumn<string>(
                name: "fingerprint",
                table: "error_events",
                type: "character(64)",
                fixedLength: true,
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_error_events_issue_pending",
                table: "error_events",
                columns: new[] { "project_id", "event_id" },
                filter: "fingerprint IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_error_events_project_id_fingerprint_occurred_at",
                table: "error_events",
                columns: new[] { "project_id", "fingerprint", "occurred_at" });

            migrationBuilder.CreateIndex(
                name: "ix_call_events_issue_pending",
                table: "call_events",
                columns: new[] { "project_id", "event_id" },
                filter: "fingerprint IS NULL AND response_class <> '2xx'");

            migrationBuilder.CreateIndex(
                name: "ix_call_events_project_id_trunk_occurred_at",
                table: "call_events",
                columns: new[] { "project_id", "trunk", "occurred_at" });

            migrationBuilder.CreateIndex(
                name: "ix_call_events_tags",
                table: "call_events",
                column: "tags")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "jsonb_path_ops" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_error_events_issue_pending",
                table: "error_events");

            migrationBuilder.DropIndex(
                name: "ix_error_events_project_id_fingerprint_occurred_at",
                table: "error_events");

            migrationBuilder.DropIndex(
                name: "ix_call_events_issue_pending",
                table: "call_events");

            migrationBuilder.DropIndex(
                name: "ix_call_events_project_id_trunk_occurred_at",
                table: "call_events");

            migrationBuilder.DropIndex(
                name: "ix_call_events_tags",
                table: "call_events");

            migrationBuilder.DropColumn(
                name: "customer_behaviour_regresses",
                table: "projects");

            migrationBuilder.DropColumn(
                name: "kind",
                table: "issues");

            migrationBuilder.DropColumn(
                name: "fingerprint",
                table: "error_events");

            migrationBuilder.AlterColumn<string>(
                name: "response_class",
                table: "issues",
                type: "character varying(4)",
                maxLength: 4,
                nullable: false,
                defaultValue: "",
                oldClrType: typeof(string),
                oldType: "character varying(4)",
                oldMaxLength: 4,
                oldNullable: true);

            migrationBuilder.AlterColumn<string>(
                name: "outcome",
                table: "issues",
                type: "character varying(32)",
                maxLength: 32,
                nullable: false,
                defaultValue: "",
                oldClrType: typeof(string),
                oldType: "character varying(32)",
                oldMaxLength: 32,
                oldNullable: true);
        }
    }
}
