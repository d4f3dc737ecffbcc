using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CallTracker.Storage.Migrations
{
    /// <inheritdoc />
    public partial class IssueReopenedAt : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "reopened_at",
                table: "issues",
                type: "timestamp with time zone",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "reopened_at",
                table: "issues");
        }
    }
}
