using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerHealth.Migrations.Sqlite.Migrations
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
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "exchange_rate_sets",
                columns: table => new
                {
                    version = table.Column<int>(type: "INTEGER", nullable: false),
                    reporting_currency = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 3, nullable: false),
                    as_of_date = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    rates = table.Column<string>(type: "TEXT", nullable: false),
                    set_by = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    set_at = table.Column<DateTime>(type: "TEXT", nullable: false)
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
