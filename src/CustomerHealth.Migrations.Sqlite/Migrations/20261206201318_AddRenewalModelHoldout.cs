using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerHealth.Migrations.Sqlite.Migrations
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
                    model_version = table.Column<int>(type: "INTEGER", nullable: false),
                    renewal_date = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    contract_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    renewed = table.Column<bool>(type: "INTEGER", nullable: false),
                    probability = table.Column<double>(type: "REAL", nullable: false),
                    prior_probability = table.Column<double>(type: "REAL", nullable: false)
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
