using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace CallTracker.Storage.Migrations
{
    /// <inheritdoc />
    public partial class InitialSchema : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "projects",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_projects", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "api_tokens",
                columns: table => new
                {
                    project_id = table.Column<int>(type: "integer", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    token_hash = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false),
                    prefix = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_api_tokens", x => new { x.project_id, x.id });
                    table.ForeignKey(
                        name: "fk_api_tokens_projects_project_id",
                        column: x => x.project_id,
                        principalTable: "projects",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "call_events",
                columns: table => new
                {
                    project_id = table.Column<int>(type: "integer", nullable: false),
                    event_id = table.Column<Guid>(type: "uuid", nullable: false),
                    occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    reported_occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    sip_code = table.Column<int>(type: "integer", nullable: true),
                    response_class = table.Column<string>(type: "character varying(4)", maxLength: 4, nullable: false),
                    reason_phrase = table.Column<string>(type: "text", nullable: true),
                    local_cause = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    reason_protocol = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    reason_cause = table.Column<int>(type: "integer", nullable: true),
                    reason_text = table.Column<string>(type: "text", nullable: true),
                    headers = table.Column<string>(type: "jsonb", nullable: false),
                    sip_message = table.Column<string>(type: "text", nullable: true),
                    phone_number = table.Column<string>(type: "text", nullable: true),
                    agent = table.Column<string>(type: "text", nullable: true),
                    call_id = table.Column<string>(type: "text", nullable: true),
                    direction = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    trunk = table.Column<string>(type: "text", nullable: true),
                    ringing = table.Column<bool>(type: "boolean", nullable: true),
                    post_dial_delay_ms = table.Column<int>(type: "integer", nullable: true),
                    ring_duration_ms = table.Column<int>(type: "integer", nullable: true),
                    tags = table.Column<string>(type: "jsonb", nullable: false),
                    extra = table.Column<string>(type: "jsonb", nullable: true),
                    nul_removed = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_call_events", x => new { x.project_id, x.event_id });
                    table.ForeignKey(
                        name: "fk_call_events_projects_project_id",
                        column: x => x.project_id,
                        principalTable: "projects",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ingest_keys",
                columns: table => new
                {
                    project_id = table.Column<int>(type: "integer", nullable: false),
                    key = table.Column<string>(type: "character(32)", fixedLength: true, maxLength: 32, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ingest_keys", x => new { x.project_id, x.key });
                    table.ForeignKey(
                        name: "fk_ingest_keys_projects_project_id",
                        column: x => x.project_id,
                        principalTable: "projects",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_api_tokens_token_hash",
                table: "api_tokens",
                column: "token_hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_call_events_project_id_agent_occurred_at",
                table: "call_events",
                columns: new[] { "project_id", "agent", "occurred_at" });

            migrationBuilder.CreateIndex(
                name: "ix_call_events_project_id_occurred_at_event_id",
                table: "call_events",
                columns: new[] { "project_id", "occurred_at", "event_id" },
                descending: new[] { false, true, true })
                .Annotation("Npgsql:IndexInclude", new[] { "response_class", "sip_code" });

            migrationBuilder.CreateIndex(
                name: "ix_call_events_project_id_sip_code_occurred_at",
                table: "call_events",
                columns: new[] { "project_id", "sip_code", "occurred_at" });

            migrationBuilder.CreateIndex(
                name: "ix_ingest_keys_key",
                table: "ingest_keys",
                column: "key",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "api_tokens");

            migrationBuilder.DropTable(
                name: "call_events");

            migrationBuilder.DropTable(
                name: "ingest_keys");

            migrationBuilder.DropTable(
                name: "projects");
        }
    }
}
