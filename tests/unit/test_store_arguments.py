"""Invalid arguments passed to InProcessStore's methods directly."""

from sora.state.memory import InProcessStore
from tests import base
from tests import store_arguments


class InProcessStoreArgumentsTest(store_arguments.StoreArgumentsMixin,
                                  base.TestCase):

    def setUp(self):
        super().setUp()
        self.store = InProcessStore()
        self.store.load(store_arguments.hosts())
