using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerHealth.Migrations.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class InitialCreate : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "accounts",
                columns: table => new
                {
                    account_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    display_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    segment = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    assigned_tier = table.Column<int>(type: "integer", nullable: false),
                    effective_tier = table.Column<int>(type: "integer", nullable: false),
                    owner = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: true),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_accounts", x => x.account_id);
                });

            migrationBuilder.CreateTable(
                name: "event_catalogue",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    version = table.Column<long>(type: "bigint", nullable: false),
                    entries = table.Column<string>(type: "text", nullable: false),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    updated_by = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_event_catalogue", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "onboarding_templates",
                columns: table => new
                {
                    tier = table.Column<int>(type: "integer", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    milestones = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    created_by = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_onboarding_templates", x => new { x.tier, x.version });
                });

            migrationBuilder.CreateTable(
                name: "account_daily_usage",
                columns: table => new
                {
                    account_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    day = table.Column<DateOnly>(type: "date", nullable: false),
                    events = table.Column<long>(type: "bigint", nullable: false),
                    users = table.Column<int>(type: "integer", nullable: false),
                    active_users = table.Column<int>(type: "integer", nullable: false)
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
                    account_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    day = table.Column<DateOnly>(type: "date", nullable: false),
                    feature = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    events = table.Column<long>(type: "bigint", nullable: false)
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
                name: "contracts",
                columns: table => new
                {
                    contract_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    account_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    arr_micros = table.Column<long>(type: "bigint", nullable: false),
                    currency = table.Column<string>(type: "character(3)", fixedLength: true, maxLength: 3, nullable: false),
                    seats = table.Column<int>(type: "integer", nullable: false),
                    start_date = table.Column<DateOnly>(type: "date", nullable: false),
                    end_date = table.Column<DateOnly>(type: "date", nullable: false),
                    outcome_kind = table.Column<int>(type: "integer", nullable: true),
                    outcome_new_arr_micros = table.Column<long>(type: "bigint", nullable: true),
                    outcome_decision_date = table.Column<DateOnly>(type: "date", nullable: true),
                    outcome_renewal_contract_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    outcome_note = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    outcome_recorded_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_contracts", x => x.contract_id);
                    table.ForeignKey(
                        name: "FK_contracts_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "account_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "nps_responses",
                columns: table => new
                {
                    response_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    account_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    respondent_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    score = table.Column<int>(type: "integer", nullable: false),
                    comment = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    answered_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
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
                name: "onboarding_evaluation_queue",
                columns: table => new
                {
                    account_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    marked_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
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
                    account_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    start_date = table.Column<DateOnly>(type: "date", nullable: false),
                    tier = table.Column<int>(type: "integer", nullable: false),
                    template_version = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
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
                name: "support_tickets",
                columns: table => new
                {
                    ticket_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    account_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    severity = table.Column<int>(type: "integer", nullable: false),
                    subject = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    opened_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    closed_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
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
                    touchpoint_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    account_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    kind = table.Column<int>(type: "integer", nullable: false),
                    occurred_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    csm = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    note = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
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
                    source = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    event_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    account_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    user_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    event_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    occurred_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    day = table.Column<DateOnly>(type: "date", nullable: false),
                    quantity = table.Column<double>(type: "double precision", nullable: true),
                    properties = table.Column<string>(type: "text", nullable: true),
                    received_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
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
                    account_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    day = table.Column<DateOnly>(type: "date", nullable: false),
                    user_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    events = table.Column<int>(type: "integer", nullable: false),
                    active_events = table.Column<int>(type: "integer", nullable: false)
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

            migrationBuilder.CreateTable(
                name: "onboarding_milestones",
                columns: table => new
                {
                    account_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    milestone_key = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    due_day = table.Column<int>(type: "integer", nullable: false),
                    due_date = table.Column<DateOnly>(type: "date", nullable: false),
                    position = table.Column<int>(type: "integer", nullable: false),
                    completed_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    completed_how = table.Column<int>(type: "integer", nullable: false),
                    completed_by = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: true),
                    note = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    rule_count = table.Column<int>(type: "integer", nullable: false),
                    rule_event_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    rule_kind = table.Column<int>(type: "integer", nullable: false),
                    rule_share = table.Column<double>(type: "double precision", nullable: false)
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

            migrationBuilder.InsertData(
                table: "event_catalogue",
                columns: new[] { "id", "entries", "updated_at", "updated_by", "version" },
                values: new object[] { 1, "[]", new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Utc), null, 0L });

            migrationBuilder.CreateIndex(
                name: "ix_accounts_effective_tier",
                table: "accounts",
                columns: new[] { "effective_tier", "account_id" });

            migrationBuilder.CreateIndex(
                name: "ix_accounts_owner",
                table: "accounts",
                columns: new[] { "owner", "account_id" });

            migrationBuilder.CreateIndex(
                name: "ix_accounts_segment",
                table: "accounts",
                columns: new[] { "segment", "account_id" });

            migrationBuilder.CreateIndex(
                name: "ix_contracts_account_start",
                table: "contracts",
                columns: new[] { "account_id", "start_date", "contract_id" });

            migrationBuilder.CreateIndex(
                name: "ix_contracts_end_date",
                table: "contracts",
                column: "end_date");

            migrationBuilder.CreateIndex(
                name: "ix_nps_responses_account_answered",
                table: "nps_responses",
                columns: new[] { "account_id", "answered_at" });

            migrationBuilder.CreateIndex(
                name: "ix_nps_responses_respondent",
                table: "nps_responses",
                column: "respondent_id");

            migrationBuilder.CreateIndex(
                name: "ix_onboarding_evaluation_queue_marked",
                table: "onboarding_evaluation_queue",
                column: "marked_at");

            migrationBuilder.CreateIndex(
                name: "ix_onboarding_milestones_due",
                table: "onboarding_milestones",
                columns: new[] { "due_date", "account_id", "milestone_key" });

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
                name: "contracts");

            migrationBuilder.DropTable(
                name: "event_catalogue");

            migrationBuilder.DropTable(
                name: "nps_responses");

            migrationBuilder.DropTable(
                name: "onboarding_evaluation_queue");

            migrationBuilder.DropTable(
                name: "onboarding_milestones");

            migrationBuilder.DropTable(
                name: "onboarding_templates");

            migrationBuilder.DropTable(
                name: "support_tickets");

            migrationBuilder.DropTable(
                name: "touchpoints");

            migrationBuilder.DropTable(
                name: "usage_events");

            migrationBuilder.DropTable(
                name: "user_daily_activity");

            migrationBuilder.DropTable(
                name: "onboarding_plans");

            migrationBuilder.DropTable(
                name: "accounts");
        }
    }
}
