using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerHealth.Migrations.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class RollupsWithoutAccountKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_usage_events_accounts_account_id",
                table: "usage_events");

            migrationBuilder.DropForeignKey(
                name: "FK_user_daily_activity_accounts_account_id",
                table: "user_daily_activity");

            migrationBuilder.AlterTable(
                name: "user_daily_activity")
                .Annotation("Npgsql:StorageParameter:fillfactor", 90);

            migrationBuilder.AlterTable(
                name: "account_feature_daily_usage")
                .Annotation("Npgsql:StorageParameter:fillfactor", 80);

            migrationBuilder.AlterTable(
                name: "account_daily_usage")
                .Annotation("Npgsql:StorageParameter:fillfactor", 80);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterTable(
                name: "user_daily_activity")
                .OldAnnotation("Npgsql:StorageParameter:fillfactor", 90);

            migrationBuilder.AlterTable(
                name: "account_feature_daily_usage")
                .OldAnnotation("Npgsql:StorageParameter:fillfactor", 80);

            migrationBuilder.AlterTable(
                name: "account_daily_usage")
                .OldAnnotation("Npgsql:StorageParameter:fillfactor", 80);

            migrationBuilder.AddForeignKey(
                name: "FK_usage_events_accounts_account_id",
                table: "usage_events",
                column: "account_id",
                principalTable: "accounts",
                principalColumn: "account_id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_user_daily_activity_accounts_account_id",
                table: "user_daily_activity",
                column: "account_id",
                principalTable: "accounts",
                principalColumn: "account_id",
                onDelete: ReferentialAction.Cascade);
        }
    }
}
