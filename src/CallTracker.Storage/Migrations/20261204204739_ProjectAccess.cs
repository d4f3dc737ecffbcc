using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CallTracker.Storage.Migrations
{
    /// <inheritdoc />
    public partial class ProjectAccess : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string[]>(
                name: "allowed_origins",
                table: "projects",
                type: "text[]",
                nullable: false,
                defaultValueSql: "'{}'::text[]");

            migrationBuilder.AddColumn<int>(
                name: "events_per_minute_per_key",
                table: "projects",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "monthly_event_quota",
                table: "projects",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "id",
                table: "ingest_keys",
                type: "uuid",
                nullable: false,
                defaultValueSql: "gen_random_uuid()");

            migrationBuilder.AddColumn<string>(
                name: "name",
                table: "ingest_keys",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            // Tokens from before scopes existed were bootstrap tokens, which are admin tokens. The default is
            // for them only: a token stored later without scopes must get none, not admin.
            migrationBuilder.AddColumn<string[]>(
                name: "scopes",
                table: "api_tokens",
                type: "text[]",
                nullable: false,
                defaultValueSql: "ARRAY['admin']::text[]");
            migrationBuilder.Sql("ALTER TABLE api_tokens ALTER COLUMN scopes DROP DEFAULT;");

            migrationBuilder.CreateIndex(
                name: "ix_ingest_keys_project_id_id",
                table: "ingest_keys",
                columns: new[] { "project_id", "id" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_ingest_keys_project_id_id",
                table: "ingest_keys");

            migrationBuilder.DropColumn(
                name: "allowed_origins",
                table: "projects");

            migrationBuilder.DropColumn(
                name: "events_per_minute_per_key",
                table: "projects");

            migrationBuilder.DropColumn(
                name: "monthly_event_quota",
                table: "projects");

            migrationBuilder.DropColumn(
                name: "id",
                table: "ingest_keys");

            migrationBuilder.DropColumn(
                name: "name",
                table: "ingest_keys");

            migrationBuilder.DropColumn(
                name: "scopes",
                table: "api_tokens");
        }
    }
}
