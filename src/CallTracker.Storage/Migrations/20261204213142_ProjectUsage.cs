using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CallTracker.Storage.Migrations
{
    /// <inheritdoc />
    public partial class ProjectUsage : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "project_usage",
                columns: table => new
                {
                    project_id = table.Column<int>(type: "integer", nullable: false),
                    month = table.Column<DateOnly>(type: "date", nullable: false),
                    events = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_project_usage", x => new { x.project_id, x.month });
                    table.ForeignKey(
                        name: "fk_project_usage_projects_project_id",
                        column: x => x.project_id,
                        principalTable: "projects",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                })
                .Annotation("Npgsql:StorageParameter:fillfactor", 50);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "project_usage");
        }
    }
}
