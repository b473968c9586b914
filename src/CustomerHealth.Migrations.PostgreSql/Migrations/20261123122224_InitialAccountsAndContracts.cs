using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerHealth.Migrations.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class InitialAccountsAndContracts : Migration
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
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "contracts");

            migrationBuilder.DropTable(
                name: "accounts");
        }
    }
}
