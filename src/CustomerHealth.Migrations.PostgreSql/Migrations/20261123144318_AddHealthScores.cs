using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace CustomerHealth.Migrations.PostgreSql.Migrations
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
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    account_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    due_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
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
                    version = table.Column<int>(type: "integer", nullable: false),
                    payload = table.Column<string>(type: "text", nullable: false),
                    updated_by = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_health_scorecards", x => x.version);
                });

            migrationBuilder.CreateTable(
                name: "health_scores",
                columns: table => new
                {
                    account_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    score = table.Column<double>(type: "double precision", nullable: true),
                    band = table.Column<int>(type: "integer", nullable: false),
                    tier = table.Column<int>(type: "integer", nullable: false),
                    lifecycle_stage = table.Column<int>(type: "integer", nullable: false),
                    effective_account = table.Column<bool>(type: "boolean", nullable: false),
                    completeness = table.Column<double>(type: "double precision", nullable: false),
                    detail = table.Column<string>(type: "text", nullable: false),
                    change_7d = table.Column<double>(type: "double precision", nullable: true),
                    change_30d = table.Column<double>(type: "double precision", nullable: true),
                    scorecard_version = table.Column<int>(type: "integer", nullable: false),
                    as_of = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    computed_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    renewal_date = table.Column<DateOnly>(type: "date", nullable: true),
                    arr_micros = table.Column<long>(type: "bigint", nullable: true),
                    currency = table.Column<string>(type: "character(3)", fixedLength: true, maxLength: 3, nullable: true)
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
                    account_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    day = table.Column<DateOnly>(type: "date", nullable: false),
                    score = table.Column<double>(type: "double precision", nullable: true),
                    band = table.Column<int>(type: "integer", nullable: false),
                    lifecycle_stage = table.Column<int>(type: "integer", nullable: false),
                    scorecard_version = table.Column<int>(type: "integer", nullable: false),
                    detail = table.Column<string>(type: "text", nullable: false),
                    computed_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
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
