using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerHealth.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class AddHealthScores : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "health_recompute_queue",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    account_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    due_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_health_recompute_queue", x => x.id);
                    table.ForeignKey(
                        name: "FK_health_recompute_queue_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "account_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "health_scorecards",
                columns: table => new
                {
                    version = table.Column<int>(type: "INTEGER", nullable: false),
                    payload = table.Column<string>(type: "TEXT", nullable: false),
                    updated_by = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_health_scorecards", x => x.version);
                });

            migrationBuilder.CreateTable(
                name: "health_scores",
                columns: table => new
                {
                    account_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    score = table.Column<double>(type: "REAL", nullable: true),
                    band = table.Column<int>(type: "INTEGER", nullable: false),
                    tier = table.Column<int>(type: "INTEGER", nullable: false),
                    lifecycle_stage = table.Column<int>(type: "INTEGER", nullable: false),
                    effective_account = table.Column<bool>(type: "INTEGER", nullable: false),
                    completeness = table.Column<double>(type: "REAL", nullable: false),
                    detail = table.Column<string>(type: "TEXT", nullable: false),
                    change_7d = table.Column<double>(type: "REAL", nullable: true),
                    change_30d = table.Column<double>(type: "REAL", nullable: true),
                    scorecard_version = table.Column<int>(type: "INTEGER", nullable: false),
                    as_of = table.Column<DateTime>(type: "TEXT", nullable: false),
                    computed_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    renewal_date = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    arr_micros = table.Column<long>(type: "INTEGER", nullable: true),
                    currency = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 3, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_health_scores", x => x.account_id);
                    table.ForeignKey(
                        name: "FK_health_scores_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "account_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "health_snapshots",
                columns: table => new
                {
                    account_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    score = table.Column<double>(type: "REAL", nullable: true),
                    band = table.Column<int>(type: "INTEGER", nullable: false),
                    lifecycle_stage = table.Column<int>(type: "INTEGER", nullable: false),
                    scorecard_version = table.Column<int>(type: "INTEGER", nullable: false),
                    detail = table.Column<string>(type: "TEXT", nullable: false),
                    computed_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_health_snapshots", x => new { x.account_id, x.day });
                    table.ForeignKey(
                        name: "FK_health_snapshots_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "account_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_health_recompute_queue_account",
                table: "health_recompute_queue",
                columns: new[] { "account_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_health_recompute_queue_due",
                table: "health_recompute_queue",
                column: "due_at");

            migrationBuilder.CreateIndex(
                name: "ix_health_scores_arr",
                table: "health_scores",
                columns: new[] { "arr_micros", "account_id" });

            migrationBuilder.CreateIndex(
                name: "ix_health_scores_band",
                table: "health_scores",
                columns: new[] { "band", "account_id" });

            migrationBuilder.CreateIndex(
                name: "ix_health_scores_renewal",
                table: "health_scores",
                columns: new[] { "renewal_date", "account_id" });

            migrationBuilder.CreateIndex(
                name: "ix_health_scores_score",
                table: "health_scores",
                columns: new[] { "score", "account_id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "health_recompute_queue");

            migrationBuilder.DropTable(
                name: "health_scorecards");

            migrationBuilder.DropTable(
                name: "health_scores");

            migrationBuilder.DropTable(
                name: "health_snapshots");
        }
    }
}
