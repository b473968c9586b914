using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerHealth.Migrations.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class AddHealthChangeFeed : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "health_changes",
                columns: table => new
                {
                    sequence = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    account_id = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: false, collation: "Latin1_General_100_BIN2_UTF8"),
                    previous_score = table.Column<double>(type: "float", nullable: true),
                    previous_band = table.Column<int>(type: "int", nullable: false),
                    score = table.Column<double>(type: "float", nullable: true),
                    band = table.Column<int>(type: "int", nullable: false),
                    reason = table.Column<int>(type: "int", nullable: false),
                    tier = table.Column<int>(type: "int", nullable: false),
                    as_of = table.Column<DateTime>(type: "datetime2", nullable: false),
                    computed_at = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_health_changes", x => x.sequence);
                    table.ForeignKey(
                        name: "FK_health_changes_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "account_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_health_scores_change_7d",
                table: "health_scores",
                columns: new[] { "change_7d", "account_id" });

            migrationBuilder.CreateIndex(
                name: "ix_health_changes_account",
                table: "health_changes",
                columns: new[] { "account_id", "sequence" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "health_changes");

            migrationBuilder.DropIndex(
                name: "ix_health_scores_change_7d",
                table: "health_scores");
        }
    }
}
