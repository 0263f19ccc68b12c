"""Capture a logger's lines as oslo.log's formatter writes them."""

import io
import logging

import fixtures
from oslo_config import cfg
from oslo_log import formatters
from oslo_log import log as oslo_log


class OsloLogLines(fixtures.Fixture):
    """Lines that ``logger_name`` logs, formatted by ContextFormatter.

    oslo.log's formatter appends the exception being handled to a warning
    or an error, which a plain capture of the message would not show.
    """

    def __init__(self, logger_name: str) -> None:
        super().__init__()
        self.logger_name = logger_name
        self.stream = io.StringIO()

    def _setUp(self) -> None:
        conf = cfg.ConfigOpts()
        oslo_log.register_options(conf)
        handler = logging.StreamHandler(self.stream)
        handler.setFormatter(formatters.ContextFormatter(config=conf,
                                                         project='sora'))
        logger = logging.getLogger(self.logger_name)
        logger.addHandler(handler)
        self.addCleanup(logger.removeHandler, handler)

    def matching(self, text: str) -> list[str]:
        return [line for line in self.stream.getvalue().splitlines()
                if text in line]
