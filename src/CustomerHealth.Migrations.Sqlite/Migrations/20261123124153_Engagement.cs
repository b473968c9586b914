using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerHealth.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Engagement : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "account_daily_usage",
                columns: table => new
                {
                    account_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    events = table.Column<long>(type: "INTEGER", nullable: false),
                    users = table.Column<int>(type: "INTEGER", nullable: false),
                    active_users = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_account_daily_usage", x => new { x.account_id, x.day });
                    table.ForeignKey(
                        name: "FK_account_daily_usage_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "account_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "account_feature_daily_usage",
                columns: table => new
                {
                    account_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    feature = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    events = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_account_feature_daily_usage", x => new { x.account_id, x.day, x.feature });
                    table.ForeignKey(
                        name: "FK_account_feature_daily_usage_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "account_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "event_catalogue",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false),
                    version = table.Column<long>(type: "INTEGER", nullable: false),
                    entries = table.Column<string>(type: "TEXT", nullable: false),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    updated_by = table.Column<string>(type: "TEXT", maxLength: 254, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_event_catalogue", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "nps_responses",
                columns: table => new
                {
                    response_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    account_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    respondent_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    score = table.Column<int>(type: "INTEGER", nullable: false),
                    comment = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    answered_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_nps_responses", x => x.response_id);
                    table.ForeignKey(
                        name: "FK_nps_responses_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "account_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "support_tickets",
                columns: table => new
                {
                    ticket_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    account_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    severity = table.Column<int>(type: "INTEGER", nullable: false),
                    subject = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    opened_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    closed_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_support_tickets", x => x.ticket_id);
                    table.ForeignKey(
                        name: "FK_support_tickets_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "account_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "touchpoints",
                columns: table => new
                {
                    touchpoint_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    account_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    kind = table.Column<int>(type: "INTEGER", nullable: false),
                    occurred_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    csm = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    note = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_touchpoints", x => x.touchpoint_id);
                    table.ForeignKey(
                        name: "FK_touchpoints_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "account_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "usage_events",
                columns: table => new
                {
                    source = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    event_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    account_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    user_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    event_name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    occurred_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    quantity = table.Column<double>(type: "REAL", nullable: true),
                    properties = table.Column<string>(type: "TEXT", nullable: true),
                    received_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_usage_events", x => new { x.source, x.event_id });
                    table.ForeignKey(
                        name: "FK_usage_events_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "account_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "user_daily_activity",
                columns: table => new
                {
                    account_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    user_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    events = table.Column<int>(type: "INTEGER", nullable: false),
                    active_events = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_user_daily_activity", x => new { x.account_id, x.day, x.user_id });
                    table.ForeignKey(
                        name: "FK_user_daily_activity_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "account_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_nps_responses_account_answered",
                table: "nps_responses",
                columns: new[] { "account_id", "answered_at" });

            migrationBuilder.CreateIndex(
                name: "ix_nps_responses_respondent",
                table: "nps_responses",
                column: "respondent_id");

            migrationBuilder.CreateIndex(
                name: "ix_support_tickets_account_opened",
                table: "support_tickets",
                columns: new[] { "account_id", "opened_at" });

            migrationBuilder.CreateIndex(
                name: "ix_touchpoints_account_occurred",
                table: "touchpoints",
                columns: new[] { "account_id", "occurred_at" });

            migrationBuilder.CreateIndex(
                name: "ix_usage_events_account_day",
                table: "usage_events",
                columns: new[] { "account_id", "day" });

            migrationBuilder.CreateIndex(
                name: "ix_usage_events_account_user",
                table: "usage_events",
                columns: new[] { "account_id", "user_id" });

            migrationBuilder.CreateIndex(
                name: "ix_usage_events_day",
                table: "usage_events",
                column: "day");

            migrationBuilder.CreateIndex(
                name: "ix_user_daily_activity_user",
                table: "user_daily_activity",
                columns: new[] { "account_id", "user_id", "day" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "account_daily_usage");

            migrationBuilder.DropTable(
                name: "account_feature_daily_usage");

            migrationBuilder.DropTable(
                name: "event_catalogue");

            migrationBuilder.DropTable(
                name: "nps_responses");

            migrationBuilder.DropTable(
                name: "support_tickets");

            migrationBuilder.DropTable(
                name: "touchpoints");

            migrationBuilder.DropTable(
                name: "usage_events");

            migrationBuilder.DropTable(
                name: "user_daily_activity");
        }
    }
}
