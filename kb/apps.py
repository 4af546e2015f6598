from django.apps import AppConfig


class KbConfig(AppConfig):
    name = "kb"
    verbose_name = "Knowledge base"

    def ready(self):
        from django.db.models.signals import post_delete

        from kb.revisions import forget_deleted

        post_delete.connect(forget_deleted, dispatch_uid="kb-revisions-forget-deleted")
