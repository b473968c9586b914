using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerHealth.Migrations.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class AddUserActiveDays : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "user_active_days",
                columns: table => new
                {
                    account_id = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: false, collation: "Latin1_General_100_BIN2_UTF8"),
                    block = table.Column<int>(type: "int", nullable: false),
                    user_id = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: false, collation: "Latin1_General_100_BIN2_UTF8"),
                    days = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_user_active_days", x => new { x.account_id, x.block, x.user_id });
                    table.ForeignKey(
                        name: "FK_user_active_days_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "account_id",
                        onDelete: ReferentialAction.Cascade);
                });

            // Existing user-day rollups fill the blocks: one row per (account, user, 63-day block of day numbers counted
            // from 0001-01-01), bit i set for each active day i of the block. The bits of a group are distinct, so
            // their sum is their OR.
            migrationBuilder.Sql("""
                INSERT INTO user_active_days (account_id, block, user_id, days)
                SELECT account_id, block, user_id, SUM(POWER(CAST(2 AS bigint), day_bit))
                FROM (
                    SELECT account_id, user_id, DATEDIFF(DAY, CAST('0001-01-01' AS date), [day]) / 63 AS block, DATEDIFF(DAY, CAST('0001-01-01' AS date), [day]) % 63 AS day_bit
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
