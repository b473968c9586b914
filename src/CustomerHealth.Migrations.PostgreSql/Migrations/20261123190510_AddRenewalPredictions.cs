using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace CustomerHealth.Migrations.PostgreSql.Migrations
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
                    version = table.Column<int>(type: "integer", nullable: false),
                    kind = table.Column<int>(type: "integer", nullable: false),
                    serving = table.Column<bool>(type: "boolean", nullable: false),
                    trained_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    trigger = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    lead_days = table.Column<int>(type: "integer", nullable: false),
                    outcome_count = table.Column<int>(type: "integer", nullable: false),
                    model = table.Column<byte[]>(type: "bytea", nullable: false),
                    detail = table.Column<string>(type: "text", nullable: false)
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
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    contract_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    account_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    reason = table.Column<int>(type: "integer", nullable: false),
                    previous_probability = table.Column<double>(type: "double precision", nullable: true),
                    previous_risk = table.Column<int>(type: "integer", nullable: false),
                    probability = table.Column<double>(type: "double precision", nullable: true),
                    risk = table.Column<int>(type: "integer", nullable: false),
                    model_version = table.Column<int>(type: "integer", nullable: false),
                    renewal_date = table.Column<DateOnly>(type: "date", nullable: false),
                    computed_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_renewal_prediction_changes", x => x.sequence);
                });

            migrationBuilder.CreateTable(
                name: "renewal_predictions",
                columns: table => new
                {
                    contract_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    account_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    renewal_date = table.Column<DateOnly>(type: "date", nullable: false),
                    arr_micros = table.Column<long>(type: "bigint", nullable: false),
                    currency = table.Column<string>(type: "character(3)", fixedLength: true, maxLength: 3, nullable: false),
                    probability = table.Column<double>(type: "double precision", nullable: false),
                    risk = table.Column<int>(type: "integer", nullable: false),
                    expected_arr_micros = table.Column<long>(type: "bigint", nullable: false),
                    arr_change_ratio = table.Column<double>(type: "double precision", nullable: false),
                    drivers = table.Column<string>(type: "text", nullable: false),
                    model_kind = table.Column<int>(type: "integer", nullable: false),
                    model_version = table.Column<int>(type: "integer", nullable: false),
                    health_score = table.Column<double>(type: "double precision", nullable: true),
                    as_of = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    computed_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
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
