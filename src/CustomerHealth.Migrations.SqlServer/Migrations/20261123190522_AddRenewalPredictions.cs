using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerHealth.Migrations.SqlServer.Migrations
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
                    version = table.Column<int>(type: "int", nullable: false),
                    kind = table.Column<int>(type: "int", nullable: false),
                    serving = table.Column<bool>(type: "bit", nullable: false),
                    trained_at = table.Column<DateTime>(type: "datetime2", nullable: false),
                    trigger = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    lead_days = table.Column<int>(type: "int", nullable: false),
                    outcome_count = table.Column<int>(type: "int", nullable: false),
                    model = table.Column<byte[]>(type: "varbinary(max)", nullable: false),
                    detail = table.Column<string>(type: "nvarchar(max)", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_renewal_models", x => x.version);
                });

            migrationBuilder.CreateTable(
                name: "renewal_prediction_changes",
                columns: table => new
                {
                    sequence = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    contract_id = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: false, collation: "Latin1_General_100_BIN2_UTF8"),
                    account_id = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: false),
                    reason = table.Column<int>(type: "int", nullable: false),
                    previous_probability = table.Column<double>(type: "float", nullable: true),
                    previous_risk = table.Column<int>(type: "int", nullable: false),
                    probability = table.Column<double>(type: "float", nullable: true),
                    risk = table.Column<int>(type: "int", nullable: false),
                    model_version = table.Column<int>(type: "int", nullable: false),
                    renewal_date = table.Column<DateOnly>(type: "date", nullable: false),
                    computed_at = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_renewal_prediction_changes", x => x.sequence);
                });

            migrationBuilder.CreateTable(
                name: "renewal_predictions",
                columns: table => new
                {
                    contract_id = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: false, collation: "Latin1_General_100_BIN2_UTF8"),
                    account_id = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: false, collation: "Latin1_General_100_BIN2_UTF8"),
                    renewal_date = table.Column<DateOnly>(type: "date", nullable: false),
                    arr_micros = table.Column<long>(type: "bigint", nullable: false),
                    currency = table.Column<string>(type: "nchar(3)", fixedLength: true, maxLength: 3, nullable: false),
                    probability = table.Column<double>(type: "float", nullable: false),
                    risk = table.Column<int>(type: "int", nullable: false),
                    expected_arr_micros = table.Column<long>(type: "bigint", nullable: false),
                    arr_change_ratio = table.Column<double>(type: "float", nullable: false),
                    drivers = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    model_kind = table.Column<int>(type: "int", nullable: false),
                    model_version = table.Column<int>(type: "int", nullable: false),
                    health_score = table.Column<double>(type: "float", nullable: true),
                    as_of = table.Column<DateTime>(type: "datetime2", nullable: false),
                    computed_at = table.Column<DateTime>(type: "datetime2", nullable: false)
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
