using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace CallTracker.Storage.Migrations
{
    /// <inheritdoc />
    public partial class Issues : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "fingerprint",
                table: "call_events",
                type: "character(64)",
                fixedLength: true,
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "issues",
                columns: table => new
                {
                    project_id = table.Column<int>(type: "integer", nullable: false),
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    fingerprint = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false),
                    title = table.Column<string>(type: "text", nullable: false),
                    outcome = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    response_class = table.Column<string>(type: "character varying(4)", maxLength: 4, nullable: false),
                    sip_code = table.Column<int>(type: "integer", nullable: true),
                    q850_cause = table.Column<int>(type: "integer", nullable: true),
                    local_cause = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    trunk = table.Column<string>(type: "text", nullable: true),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    regression = table.Column<bool>(type: "boolean", nullable: false),
                    customer_behaviour = table.Column<bool>(type: "boolean", nullable: false),
                    first_seen = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_seen = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    event_count = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_issues", x => new { x.project_id, x.id });
                    table.ForeignKey(
                        name: "fk_issues_projects_project_id",
                        column: x => x.project_id,
                        principalTable: "projects",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_call_events_project_id_fingerprint_occurred_at",
                table: "call_events",
                columns: new[] { "project_id", "fingerprint", "occurred_at" });

            migrationBuilder.CreateIndex(
                name: "ix_issues_project_id_fingerprint",
                table: "issues",
                columns: new[] { "project_id", "fingerprint" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_issues_project_id_last_seen",
                table: "issues",
                columns: new[] { "project_id", "last_seen" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "issues");

            migrationBuilder.DropIndex(
                name: "ix_call_events_project_id_fingerprint_occurred_at",
                table: "call_events");

            migrationBuilder.DropColumn(
                name: "fingerprint",
                table: "call_events");
        }
    }
}
