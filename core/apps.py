from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "校区与员工"

    def ready(self) -> None:
        from .roles import sync_role_groups

        # After every migrate, so permissions of models added later are granted too.
        post_migrate.connect(sync_role_groups, dispatch_uid="core.sync_role_groups")
