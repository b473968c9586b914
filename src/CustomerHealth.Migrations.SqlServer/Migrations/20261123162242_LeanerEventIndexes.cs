using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerHealth.Migrations.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class LeanerEventIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_user_daily_activity_user",
                table: "user_daily_activity");

            migrationBuilder.DropIndex(
                name: "ix_usage_events_account_day",
                table: "usage_events");

            migrationBuilder.DropIndex(
                name: "ix_usage_events_account_user",
                table: "usage_events");

            migrationBuilder.CreateIndex(
                name: "ix_usage_events_account_day_user",
                table: "usage_events",
                columns: new[] { "account_id", "day", "user_id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_usage_events_account_day_user",
                table: "usage_events");

            migrationBuilder.CreateIndex(
                name: "ix_user_daily_activity_user",
                table: "user_daily_activity",
                columns: new[] { "account_id", "user_id", "day" });

            migrationBuilder.CreateIndex(
                name: "ix_usage_events_account_day",
                table: "usage_events",
                columns: new[] { "account_id", "day" });

            migrationBuilder.CreateIndex(
                name: "ix_usage_events_account_user",
                table: "usage_events",
                columns: new[] { "account_id", "user_id" });
        }
    }
}
