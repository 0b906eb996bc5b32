"""`liudong permissions [--markdown]` (J3): the role x action table. The README's table is this
command's --markdown output, and tests/accounts/test_permissions.py checks they agree."""
from django.core.management.base import BaseCommand

from liudong.accounts.choices import PERMISSIONS, Action, Role, permission_table_markdown


class Command(BaseCommand):
    help = "打印角色权限表 / print the role x action permission table"
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--markdown", action="store_true", help="the Markdown table pasted in README.md")

    def handle(self, *args, markdown, **options):
        if markdown:
            self.stdout.write(permission_table_markdown())
            return
        for role in Role:
            actions = [a.value for a in Action if a in PERMISSIONS[role]]
            self.stdout.write(f"{role.value} ({role.label}):")
            self.stdout.write("    " + (", ".join(actions) if actions else "— (none / 无)"))
