using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerHealth.Migrations.SqlServer.Migrations
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
                    model_version = table.Column<int>(type: "int", nullable: false),
                    renewal_date = table.Column<DateOnly>(type: "date", nullable: false),
                    contract_id = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: false, collation: "Latin1_General_100_BIN2_UTF8"),
                    renewed = table.Column<bool>(type: "bit", nullable: false),
                    probability = table.Column<double>(type: "float", nullable: false),
                    prior_probability = table.Column<double>(type: "float", nullable: false)
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
