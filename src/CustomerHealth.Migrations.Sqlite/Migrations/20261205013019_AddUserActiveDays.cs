using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerHealth.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class AddUserActiveDays : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Written by hand instead of CreateTable: WITHOUT ROWID stores the rows in key order, so an account's blocks lie
            // together and the recompute reads a batch of accounts as a few ranges of one B-tree (with a rowid table every
            // row is a separate lookup into pages filled in ingestion order). The columns, key and cascade are the model's.
            migrationBuilder.Sql("""
                CREATE TABLE "user_active_days" (
                    "account_id" TEXT NOT NULL,
                    "block" INTEGER NOT NULL,
                    "user_id" TEXT NOT NULL,
                    "days" INTEGER NOT NULL,
                    CONSTRAINT "PK_user_active_days" PRIMARY KEY ("account_id", "block", "user_id"),
                    CONSTRAINT "FK_user_active_days_accounts_account_id" FOREIGN KEY ("account_id") REFERENCES "accounts" ("account_id") ON DELETE CASCADE
                ) WITHOUT ROWID
                """);

            // Existing user-day rollups fill the blocks: one row per (account, user, 63-day block of day numbers counted
            // from 0001-01-01), bit i set for each active day i of the block. The bits of a group are distinct, so
            // their sum is their OR.
            migrationBuilder.Sql("""
                INSERT INTO user_active_days (account_id, block, user_id, days)
                SELECT account_id, block, user_id, SUM(1 << bit)
                FROM (
                    SELECT account_id, user_id, CAST(julianday(day) - julianday('0001-01-01') AS INTEGER) / 63 AS block, CAST(julianday(day) - julianday('0001-01-01') AS INTEGER) % 63 AS bit
                    FROM user_daily_activity
                    WHERE active_events > 0
                ) AS active
                GROUP BY account_id, block, user_id
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "user_active_days");
        }
    }
}
