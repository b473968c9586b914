using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerHealth.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class AddRenewalPredictions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "renewal_models",
                columns: table => new
                {
                    version = table.Column<int>(type: "INTEGER", nullable: false),
                    kind = table.Column<int>(type: "INTEGER", nullable: false),
                    serving = table.Column<bool>(type: "INTEGER", nullable: false),
                    trained_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    trigger = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    lead_days = table.Column<int>(type: "INTEGER", nullable: false),
                    outcome_count = table.Column<int>(type: "INTEGER", nullable: false),
                    model = table.Column<byte[]>(type: "BLOB", nullable: false),
                    detail = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_renewal_models", x => x.version);
                });

            migrationBuilder.CreateTable(
                name: "renewal_prediction_changes",
                columns: table => new
                {
                    sequence = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    contract_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    account_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    reason = table.Column<int>(type: "INTEGER", nullable: false),
                    previous_probability = table.Column<double>(type: "REAL", nullable: true),
                    previous_risk = table.Column<int>(type: "INTEGER", nullable: false),
                    probability = table.Column<double>(type: "REAL", nullable: true),
                    risk = table.Column<int>(type: "INTEGER", nullable: false),
                    model_version = table.Column<int>(type: "INTEGER", nullable: false),
                    renewal_date = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    computed_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_renewal_prediction_changes", x => x.sequence);
                });

            migrationBuilder.CreateTable(
                name: "renewal_predictions",
                columns: table => new
                {
                    contract_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    account_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    renewal_date = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    arr_micros = table.Column<long>(type: "INTEGER", nullable: false),
                    currency = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 3, nullable: false),
                    probability = table.Column<double>(type: "REAL", nullable: false),
                    risk = table.Column<int>(type: "INTEGER", nullable: false),
                    expected_arr_micros = table.Column<long>(type: "INTEGER", nullable: false),
                    arr_change_ratio = table.Column<double>(type: "REAL", nullable: false),
                    drivers = table.Column<string>(type: "TEXT", nullable: false),
                    model_kind = table.Column<int>(type: "INTEGER", nullable: false),
                    model_version = table.Column<int>(type: "INTEGER", nullable: false),
                    health_score = table.Column<double>(type: "REAL", nullable: true),
                    as_of = table.Column<DateTime>(type: "TEXT", nullable: false),
                    computed_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_renewal_predictions", x => x.contract_id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_renewal_models_serving",
                table: "renewal_models",
                column: "serving");

            migrationBuilder.CreateIndex(
                name: "ix_renewal_prediction_changes_contract",
                table: "renewal_prediction_changes",
                columns: new[] { "contract_id", "sequence" });

            migrationBuilder.CreateIndex(
                name: "ix_renewal_predictions_account",
                table: "renewal_predictions",
                column: "account_id");

            migrationBuilder.CreateIndex(
                name: "ix_renewal_predictions_date",
                table: "renewal_predictions",
                columns: new[] { "renewal_date", "contract_id" });

            migrationBuilder.CreateIndex(
                name: "ix_renewal_predictions_probability",
                table: "renewal_predictions",
                columns: new[] { "probability", "contract_id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "renewal_models");

            migrationBuilder.DropTable(
                name: "renewal_prediction_changes");

            migrationBuilder.DropTable(
                name: "renewal_predictions");
        }
    }
}
