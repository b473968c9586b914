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

            // The daily rollups move to WITHOUT ROWID tables as well: ingestion upserts about one user-day row per event
            // (and in scattered traffic nearly one account-day and feature-day row), and a rowid table pays two B-tree
            // writes per row (the rows and the key's index) where a table stored in key order pays one. SQLite cannot
            // change that in place, so each table is copied; columns, keys and cascades are unchanged.
            foreach (var (table, columns, key) in DailyRollups)
            {
                RebuildAs(migrationBuilder, table, columns, key, "WITHOUT ROWID");
            }

            // Existing user-day rollups fill the blocks: one row per (account, user, 63-day block of day numbers counted
            // from 0001-01-01), bit i set for each active day i of the block. The bits of a group are distinct, so
            // their sum is their OR.
            migrationBuilder.Sql("""
                INSERT INTO user_active_days (account_id, block, user_id, days)
                SELECT account_id, block, user_id, SUM(1 << day_bit)
                FROM (
                    SELECT account_id, user_id, CAST(julianday(day) - julianday('0001-01-01') AS INTEGER) / 63 AS block, CAST(julianday(day) - julianday('0001-01-01') AS INTEGER) % 63 AS day_bit
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

            foreach (var (table, columns, key) in DailyRollups)
            {
                RebuildAs(migrationBuilder, table, columns, key, "");
            }
        }

        /// <summary>The daily rollup tables: name, column definitions, key columns.</summary>
        private static readonly (string Table, string[] Columns, string[] Key)[] DailyRollups =
        [
            ("user_daily_activity",
                ["\"account_id\" TEXT NOT NULL", "\"day\" TEXT NOT NULL", "\"user_id\" TEXT NOT NULL", "\"events\" INTEGER NOT NULL", "\"active_events\" INTEGER NOT NULL"],
                ["account_id", "day", "user_id"]),
            ("account_daily_usage",
                ["\"account_id\" TEXT NOT NULL", "\"day\" TEXT NOT NULL", "\"events\" INTEGER NOT NULL", "\"users\" INTEGER NOT NULL", "\"active_users\" INTEGER NOT NULL"],
                ["account_id", "day"]),
            ("account_feature_daily_usage",
                ["\"account_id\" TEXT NOT NULL", "\"day\" TEXT NOT NULL", "\"feature\" TEXT NOT NULL", "\"events\" INTEGER NOT NULL"],
                ["account_id", "day", "feature"]),
        ];

        /// <summary>Copies <paramref name="table"/> into a new table with the same columns, key and cascade to accounts.</summary>
        private static void RebuildAs(MigrationBuilder migrationBuilder, string table, string[] columns, string[] key, string options)
        {
            var names = string.Join(", ", columns.Select(c => c[..(c.IndexOf('"', 1) + 1)]));
            var keyColumns = string.Join(", ", key.Select(k => $"\"{k}\""));
            migrationBuilder.Sql($"""
                CREATE TABLE "{table}_copy" (
                    {string.Join(",\n    ", columns)},
                    CONSTRAINT "PK_{table}" PRIMARY KEY ({keyColumns}),
                    CONSTRAINT "FK_{table}_accounts_account_id" FOREIGN KEY ("account_id") REFERENCES "accounts" ("account_id") ON DELETE CASCADE
                ) {options}
                """);
            migrationBuilder.Sql($"""INSERT INTO "{table}_copy" ({names}) SELECT {names} FROM "{table}" """);
            migrationBuilder.Sql($"""DROP TABLE "{table}" """);
            migrationBuilder.Sql($"""ALTER TABLE "{table}_copy" RENAME TO "{table}" """);
        }
    }
}
