using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerHealth.Migrations.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class AddRenewalModelHoldout : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "renewal_model_holdout",
                columns: table => new
                {
                    model_version = table.Column<int>(type: "integer", nullable: false),
                    renewal_date = table.Column<DateOnly>(type: "date", nullable: false),
                    contract_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    renewed = table.Column<bool>(type: "boolean", nullable: false),
                    probability = table.Column<double>(type: "double precision", nullable: false),
                    prior_probability = table.Column<double>(type: "double precision", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_renewal_model_holdout", x => new { x.model_version, x.renewal_date, x.contract_id });
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "renewal_model_holdout");
        }
    }
}
