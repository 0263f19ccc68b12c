"""Invalid arguments passed to the etcd store's methods directly."""

from tests.functional import etcd_base
from tests import store_arguments


class EtcdStoreArgumentsTest(store_arguments.StoreArgumentsMixin,
                             etcd_base.EtcdTestCase):

    def setUp(self):
        super().setUp()
        self.store = self.new_store()
        self.store.load(store_arguments.hosts())
