using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerHealth.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class AddAccountHierarchyAndContacts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "parent_account_id",
                table: "accounts",
                type: "TEXT",
                maxLength: 128,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "contacts",
                columns: table => new
                {
                    contact_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    account_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    display_name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    email = table.Column<string>(type: "TEXT", maxLength: 254, nullable: true),
                    title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    role = table.Column<int>(type: "INTEGER", nullable: false),
                    usage_user_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    left_on = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_contacts", x => x.contact_id);
                    table.ForeignKey(
                        name: "FK_contacts_accounts_account_id",
                        column: x => x.account_id,
                        principalTable: "accounts",
                        principalColumn: "account_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_accounts_parent_account_id",
                table: "accounts",
                column: "parent_account_id");

            migrationBuilder.CreateIndex(
                name: "ix_contacts_account_id",
                table: "contacts",
                columns: new[] { "account_id", "contact_id" });

            migrationBuilder.CreateIndex(
                name: "ix_contacts_usage_user_id",
                table: "contacts",
                column: "usage_user_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "contacts");

            migrationBuilder.DropIndex(
                name: "ix_accounts_parent_account_id",
                table: "accounts");

            migrationBuilder.DropColumn(
                name: "parent_account_id",
                table: "accounts");
        }
    }
}
