"""`liudong worker [--workers N]`: the task queue's consumer (Huey), which makes the export jobs.

On start it recovers what a stopped worker left (services.recover): a job that was running runs
again (or, interrupted three times, is marked failed), and every queued job is put on the queue
again. Ctrl-C (SIGINT) lets running jobs finish; SIGTERM stops at once, and the next start runs
the interrupted jobs again. `liudong serve` starts one of these beside the web server.
"""
import logging

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "运行后台任务进程（导出任务） / run the background worker (export jobs)"

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=None, help=f"jobs run at once (default LIUDONG_WORKERS, {settings.TASK_WORKERS})")

    def handle(self, *args, workers, **options):
        from huey.consumer_options import ConsumerConfig
        from huey.contrib.djhuey import HUEY

        from liudong.clock import now
        from liudong.jobs import services, tasks  # noqa: F401 - tasks registers the queue's tasks

        config = dict(settings.HUEY.get("consumer", {}))
        if workers is not None:
            if workers < 1:
                raise CommandError("--workers 至少为 1 / --workers must be at least 1")
            config["workers"] = workers
        consumer_config = ConsumerConfig(**config)
        consumer_config.validate()
        logger = logging.getLogger("huey")
        if not logger.handlers:
            consumer_config.setup_logger(logger)
            logger.propagate = False  # its own handler prints it; the root handler would print it twice
        recovered = services.recover(at_start=True, now=now())
        where = settings.TASK_SQLITE if settings.TASK_QUEUE == "sqlite" else settings.REDIS_URL
        self.stdout.write(
            f"Liudong 流动 worker: {consumer_config.workers} {consumer_config.worker_type} worker(s), queue {settings.TASK_QUEUE} ({where}); "
            f"recovered {recovered['requeued']} interrupted, {recovered['queued']} queued, {recovered['failed']} failed; Ctrl-C to stop"
        )
        self.stdout.flush()
        HUEY.create_consumer(**consumer_config.values).run()
