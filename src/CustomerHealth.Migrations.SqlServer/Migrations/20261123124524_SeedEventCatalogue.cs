using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerHealth.Migrations.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class SeedEventCatalogue : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.InsertData(
                table: "event_catalogue",
                columns: new[] { "id", "entries", "updated_at", "updated_by", "version" },
                values: new object[] { 1, "[]", new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Utc), null, 0L });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DeleteData(
                table: "event_catalogue",
                keyColumn: "id",
                keyValue: 1);
        }
    }
}
