using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerHealth.Migrations.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class AddExchangeRates : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "tier_unconverted",
                table: "accounts",
                type: "bit",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "exchange_rate_sets",
                columns: table => new
                {
                    version = table.Column<int>(type: "int", nullable: false),
                    reporting_currency = table.Column<string>(type: "nchar(3)", fixedLength: true, maxLength: 3, nullable: false),
                    as_of_date = table.Column<DateOnly>(type: "date", nullable: false),
                    rates = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    set_by = table.Column<string>(type: "nvarchar(254)", maxLength: 254, nullable: false),
                    set_at = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_exchange_rate_sets", x => x.version);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "exchange_rate_sets");

            migrationBuilder.DropColumn(
                name: "tier_unconverted",
                table: "accounts");
        }
    }
}
