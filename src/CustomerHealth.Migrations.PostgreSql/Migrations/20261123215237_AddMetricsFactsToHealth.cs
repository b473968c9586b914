using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerHealth.Migrations.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class AddMetricsFactsToHealth : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "effective_account",
                table: "health_snapshots",
                type: "boolean",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "monthly_active_users",
                table: "health_snapshots",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<DateOnly>(
                name: "first_active_day",
                table: "health_scores",
                type: "date",
                nullable: true);

            migrationBuilder.AddColumn<DateOnly>(
                name: "first_value_day",
                table: "health_scores",
                type: "date",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "monthly_active_users",
                table: "health_scores",
                type: "integer",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "effective_account",
                table: "health_snapshots");

            migrationBuilder.DropColumn(
                name: "monthly_active_users",
                table: "health_snapshots");

            migrationBuilder.DropColumn(
                name: "first_active_day",
                table: "health_scores");

            migrationBuilder.DropColumn(
                name: "first_value_day",
                table: "health_scores");

            migrationBuilder.DropColumn(
                name: "monthly_active_users",
                table: "health_scores");
        }
    }
}
