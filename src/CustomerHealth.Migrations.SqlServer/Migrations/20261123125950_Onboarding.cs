using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerHealth.Migrations.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class Onboarding : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "onboarding_evaluation_queue",
                columns: table => new
                {
                    account_id = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: false, collation: "Latin1_General_100_BIN2_UTF8"),
                    marked_at = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_onboarding_evaluation_queue", x => x.account_id);
                    table.ForeignKey(
                        name: "FK_onboarding_evaluation_queue_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "account_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "onboarding_plans",
                columns: table => new
                {
                    account_id = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: false, collation: "Latin1_General_100_BIN2_UTF8"),
                    start_date = table.Column<DateOnly>(type: "date", nullable: false),
                    tier = table.Column<int>(type: "int", nullable: false),
                    template_version = table.Column<int>(type: "int", nullable: false),
                    created_at = table.Column<DateTime>(type: "datetime2", nullable: false),
                    updated_at = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_onboarding_plans", x => x.account_id);
                    table.ForeignKey(
                        name: "FK_onboarding_plans_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "account_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "onboarding_templates",
                columns: table => new
                {
                    tier = table.Column<int>(type: "int", nullable: false),
                    version = table.Column<int>(type: "int", nullable: false),
                    milestones = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    created_at = table.Column<DateTime>(type: "datetime2", nullable: false),
                    created_by = table.Column<string>(type: "nvarchar(254)", maxLength: 254, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_onboarding_templates", x => new { x.tier, x.version });
                });

            migrationBuilder.CreateTable(
                name: "onboarding_milestones",
                columns: table => new
                {
                    account_id = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: false, collation: "Latin1_General_100_BIN2_UTF8"),
                    milestone_key = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false, collation: "Latin1_General_100_BIN2_UTF8"),
                    title = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    due_day = table.Column<int>(type: "int", nullable: false),
                    due_date = table.Column<DateOnly>(type: "date", nullable: false),
                    position = table.Column<int>(type: "int", nullable: false),
                    completed_at = table.Column<DateTime>(type: "datetime2", nullable: true),
                    completed_how = table.Column<int>(type: "int", nullable: false),
                    completed_by = table.Column<string>(type: "nvarchar(254)", maxLength: 254, nullable: true),
                    note = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: true),
                    rule_count = table.Column<int>(type: "int", nullable: false),
                    rule_event_name = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: true),
                    rule_kind = table.Column<int>(type: "int", nullable: false),
                    rule_share = table.Column<double>(type: "float", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_onboarding_milestones", x => new { x.account_id, x.milestone_key });
                    table.ForeignKey(
                        name: "FK_onboarding_milestones_onboarding_plans_account_id",
                        column: x => x.account_id,
                        principalTable: "onboarding_plans",
                        principalColumn: "account_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_onboarding_evaluation_queue_marked",
                table: "onboarding_evaluation_queue",
                column: "marked_at");

            migrationBuilder.CreateIndex(
                name: "ix_onboarding_milestones_due",
                table: "onboarding_milestones",
                columns: new[] { "due_date", "account_id", "milestone_key" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "onboarding_evaluation_queue");

            migrationBuilder.DropTable(
                name: "onboarding_milestones");

            migrationBuilder.DropTable(
                name: "onboarding_templates");

            migrationBuilder.DropTable(
                name: "onboarding_plans");
        }
    }
}
